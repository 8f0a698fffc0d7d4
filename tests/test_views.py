"""Network views: hand-worked views of a tiny fixture graph, the contract's attributes on the
curated graph, every option, and every bad option (exit 2)."""

from __future__ import annotations

import json

import pytest
from paths import TINY

from mgraph.core.errors import InputError
from mgraph.networks.views import VIEWS, build_view, view_triples

ID = "https://w3id.org/mgraph/id/"


def short(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def shape(view) -> tuple[list[str], list[tuple[str, str, str]]]:
    nodes = sorted(short(n) for n in view.nodes)
    edges = sorted((short(u), key, short(v)) for u, v, key in view.edges(keys=True))
    return nodes, edges


ACTORS = ["ann", "bfa", "che", "gef", "gef-secretariat", "unep", "waste", "webinar-2020", "who"]
ACTOR_EDGES = [
    ("ann", "mg:Lead", "unep"),
    ("waste", "mg:coOrganiser", "bfa"),
    ("waste", "mg:coOrganiser", "che"),
    ("waste", "schema:organizer", "unep"),
    ("webinar-2020", "schema:organizer", "who"),
]


@pytest.mark.parametrize(
    ("options", "nodes", "edges"),
    [
        pytest.param({}, ACTORS, ACTOR_EDGES, id="actors-no-place-no-source-role-as-edge"),
        pytest.param(
            {"fold": True},
            ["ann", "bfa", "che", "gef", "gef-secretariat", "unep", "who"],
            [
                ("ann", "mg:Lead", "unep"),
                ("bfa", "dcterms:relation", "che"),
                ("bfa", "dcterms:relation", "unep"),
                ("che", "dcterms:relation", "unep"),
            ],
            id="actors-folded",
        ),
        pytest.param(
            {"since": "2021"},
            [n for n in ACTORS if n != "webinar-2020"],
            [e for e in ACTOR_EDGES if e[0] != "webinar-2020"],
            id="since-drops-2020-keeps-undated-and-open-ended-post",
        ),
        pytest.param(
            {"since": "2010", "until": "2014"},
            [n for n in ACTORS if n != "webinar-2020"],
            [e for e in ACTOR_EDGES if e[0] not in ("webinar-2020", "ann")],
            id="until-drops-the-post-begun-later",
        ),
        pytest.param(
            {"with_places": True},
            sorted([*ACTORS, "geneva"]),
            sorted([*ACTOR_EDGES, ("waste", "schema:location", "geneva")]),
            id="with-places",
        ),
        pytest.param(
            {"with_sources": True},
            sorted([*ACTORS, "event.waste.organisers.1", "one", "two"]),
            sorted(
                [
                    *ACTOR_EDGES,
                    ("event.waste.organisers.1", "prov:wasDerivedFrom", "two"),
                    ("event.waste.organisers.1", "rdf:object", "unep"),
                    ("event.waste.organisers.1", "rdf:subject", "waste"),
                    ("unep", "prov:wasDerivedFrom", "one"),
                    ("waste", "prov:wasDerivedFrom", "one"),
                ]
            ),
            id="with-sources-brings-claims-and-their-sources",
        ),
        pytest.param(
            {"focus": "WHO", "depth": 1},
            ["webinar-2020", "who"],
            [("webinar-2020", "schema:organizer", "who")],
            id="focus-depth-1",
        ),
        pytest.param(
            {"focus": "Burkina Faso", "depth": 2},
            ["bfa", "che", "unep", "waste"],
            [e for e in ACTOR_EDGES if e[0] == "waste"],
            id="focus-depth-2-undirected",
        ),
        pytest.param({"focus": "bfa", "depth": 0}, ["bfa"], [], id="focus-depth-0"),
        pytest.param(
            {"classes": "mg:State, Event"},
            ["bfa", "che", "waste", "webinar-2020"],
            [e for e in ACTOR_EDGES if e[2] in ("bfa", "che")],
            id="classes-by-name-and-label",
        ),
        pytest.param(
            {"relations": ["co-organiser"]},
            ACTORS,
            [e for e in ACTOR_EDGES if e[1] == "mg:coOrganiser"],
            id="relations-by-label",
        ),
        pytest.param(
            {"exclude": ["schema:organizer", "Person", "who"]},
            [n for n in ACTORS if n not in ("ann", "who")],
            [e for e in ACTOR_EDGES if e[1] == "mg:coOrganiser"],
            id="exclude-relation-class-entity",
        ),
    ],
)
def test_actors_view_of_the_tiny_graph(options: dict, nodes: list, edges: list) -> None:
    assert shape(build_view("actors", graph=TINY, **options)) == (nodes, edges)


@pytest.mark.parametrize(
    ("view", "nodes", "edges"),
    [
        pytest.param(
            "decisions",
            ["cop-1", "mc-1-1", "who"],
            [("mc-1-1", "mg:adoptedAt", "cop-1"), ("mc-1-1", "mg:requests", "who")],
            id="decisions-bring-whom-they-request",
        ),
        pytest.param("parties", ["bfa", "che"], [], id="parties"),
        pytest.param(
            "full",
            sorted([*ACTORS, "ann-lead", "cop-1", "mc-1-1"]),
            sorted(
                [e for e in ACTOR_EDGES if e[1] != "mg:Lead"]
                + [
                    ("ann-lead", "org:member", "ann"),
                    ("ann-lead", "org:organization", "unep"),
                    ("mc-1-1", "mg:adoptedAt", "cop-1"),
                    ("mc-1-1", "mg:requests", "who"),
                ]
            ),
            id="full-keeps-role-records-as-nodes",
        ),
    ],
)
def test_other_views_of_the_tiny_graph(view: str, nodes: list, edges: list) -> None:
    assert shape(build_view(view, graph=TINY)) == (nodes, edges)


def test_attributes_follow_the_contract_on_the_tiny_graph() -> None:
    view = build_view("actors", graph=TINY)
    who = view.nodes[ID + "organisation/who"]
    assert who["id"] == "organisation/who" and who["kind"] == "organisation"
    assert who["label"] == "World Health Organization" and who["class"] == "mg:SpecialisedAgency"
    assert who["classes"] == [
        "mg:Organisation",
        "mg:SpecialisedAgency",
        "org:Organization",
        "schema:Organization",
    ]
    assert who["alt_names"] == ["WHO"] and who["sources"] == [] and who["n_sources"] == 0
    unep = view.nodes[ID + "organisation/unep"]
    assert unep["sources"] == [
        {"iri": ID + "source/one", "label": "Source one", "url": "https://example.org/one"}
    ]
    webinar = view.nodes[ID + "event/webinar-2020"]
    assert (webinar["start"], webinar["end"]) == ("2020-09-15", "2020-09-15")  # a point in time
    lead = view.edges[ID + "person/ann", ID + "organisation/unep", "mg:Lead"]
    assert (lead["start"], lead["end"], lead["label"], lead["weight"]) == ("2015", None, "lead of", 1)
    assert lead["record"] == ID + "role/ann-lead"
    organised = view.edges[ID + "event/waste", ID + "organisation/unep", "schema:organizer"]
    assert [s["iri"] for s in organised["sources"]] == ["https://example.org/two"]  # the claim's
    co = view.edges[ID + "event/waste", ID + "country/bfa", "mg:coOrganiser"]
    assert [s["iri"] for s in co["sources"]] == [ID + "source/one"]  # the record's
    assert co["predicate"] == "https://w3id.org/mgraph/ontology#coOrganiser"
    assert co["label"] == "co-organiser"
    geneva = [f for f in view.nodes[ID + "event/waste"]["facts"] if f["predicate"] == "schema:location"]
    assert geneva == [
        {"predicate": "schema:location", "label": "location", "value": "Geneva", "iri": ID + "place/geneva"}
    ]


def test_folded_edges_count_and_list_what_is_shared() -> None:
    view = build_view("actors", graph=TINY, fold=True)
    edge = view.edges[ID + "country/bfa", ID + "country/che", "dcterms:relation"]
    assert edge["weight"] == 1 and edge["via"] == [ID + "event/waste"]
    assert [s["iri"] for s in edge["sources"]] == [ID + "source/one"]


def test_rdf_triples_of_a_view_are_the_hand_listed_ones() -> None:
    from rdflib import Graph
    from rdflib.compare import isomorphic

    from mgraph.core.terms import to_rdflib

    view = build_view("actors", graph=TINY, focus="WHO")
    got = Graph()
    for t in view_triples(view):
        got.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    expected = Graph().parse(
        data="""
        @prefix mg: <https://w3id.org/mgraph/ontology#> .
        @prefix org: <http://www.w3.org/ns/org#> .
        @prefix schema: <https://schema.org/> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        <https://w3id.org/mgraph/id/organisation/who> a mg:SpecialisedAgency, mg:Organisation,
                org:Organization, schema:Organization ;
            rdfs:label "World Health Organization"@en ; skos:altLabel "WHO" .
        <https://w3id.org/mgraph/id/event/webinar-2020> a mg:Webinar, mg:Event, schema:Event ;
            rdfs:label "Webinar of 2020"@en ; schema:startDate "2020-09-15"^^xsd:date ;
            schema:organizer <https://w3id.org/mgraph/id/organisation/who> .
    """,
        format="turtle",
    )
    assert isomorphic(got, expected)


def test_rdf_of_a_post_carries_its_role_record() -> None:
    view = build_view("actors", graph=TINY, focus="ann", depth=1)
    subjects = {short(t.subject.value) for t in view_triples(view)}
    assert subjects == {"ann", "unep", "ann-lead"}


# --- the curated graph ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def curated() -> dict:
    return {name: build_view(name) for name in VIEWS}


@pytest.mark.parametrize("name", list(VIEWS))
def test_curated_views_follow_the_contract(curated: dict, name: str) -> None:
    view = curated[name]
    assert view.number_of_nodes() > 0 and view.number_of_edges() > 0
    assert view.graph["view"] == name and isinstance(view.graph["options"], dict)
    for iri, attrs in view.nodes(data=True):
        assert attrs["iri"] == iri and isinstance(attrs["id"], str) and attrs["label"]
        assert attrs["classes"] == sorted(attrs["classes"]) and attrs["class"] in attrs["classes"]
        assert attrs["n_sources"] == len(attrs["sources"])
        assert all(isinstance(attrs[k], (str, type(None))) for k in ("start", "end"))
        assert not {"mg:SourceDocument", "mg:Claim", "schema:Place"} & set(attrs["classes"])
    for _, _, key, attrs in view.edges(keys=True, data=True):
        assert isinstance(attrs["weight"], int) and attrs["label"] and ":" in key
    json.dumps(list(view.nodes(data=True)))  # plain JSON values only
    json.dumps(list(view.edges(keys=True, data=True)))


def test_views_are_deterministic(curated: dict) -> None:
    again = build_view("actors")
    assert list(again.nodes(data=True)) == list(curated["actors"].nodes(data=True))
    assert list(again.edges(keys=True, data=True)) == list(curated["actors"].edges(keys=True, data=True))


def test_curated_actors_has_the_waste_event_and_dated_posts(curated: dict) -> None:
    view = curated["actors"]
    event = ID + "event/waste-side-event-developing-countries"
    organisers = {short(v) for _, v, k in view.out_edges(event, keys=True) if k == "mg:coOrganiser"}
    assert {"bfa", "che"} <= organisers
    posts = [a for _, _, k, a in view.edges(keys=True, data=True) if a.get("record")]
    assert posts and any(a["start"] for a in posts)


def test_the_2020_minamata_online_sessions_leave_a_2023_window() -> None:
    session = ID + "event/minamata-online-2020-09-17"
    assert session in build_view("actors", since="2020")
    window = build_view("actors", since="2023-01-01", until="2023-12-31")
    assert session not in window
    assert ID + "event/waste-side-event-developing-countries" in window  # undated: kept


def test_parties_are_countries_with_legal_acts(curated: dict) -> None:
    view = curated["parties"]
    acts = [n for n, a in view.nodes(data=True) if "mg:LegalAct" in a["classes"]]
    assert acts and all(view.nodes[a]["start"] for a in acts[:20])


def test_view_names_of_the_command_line_are_the_views() -> None:
    from mgraph.cli import _views
    from mgraph.networks import view_names

    assert _views.VIEW_NAMES is view_names.VIEW_NAMES  # read, not copied
    assert view_names.VIEW_NAMES == tuple(VIEWS)


# --- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "message"),
    [
        pytest.param({"view": "people"}, "unknown view", id="unknown-view"),
        pytest.param({"classes": "mg:Decisoin"}, "did you mean: mg:Decision", id="unknown-class"),
        pytest.param({"classes": "mg:Decision"}, "no entity in the actors view", id="class-not-in-view"),
        pytest.param({"relations": "co-organised-by"}, "unknown relation", id="unknown-relation"),
        pytest.param({"focus": "Atlantis"}, "no entity is named", id="focus-matches-nothing"),
        pytest.param({"focus": "GEF"}, "ambiguous", id="focus-matches-several"),
        pytest.param({"focus": "cop-1"}, "is not in the actors view", id="focus-outside-the-view"),
        pytest.param({"focus": "who", "depth": -1}, "depth", id="negative-depth"),
        pytest.param({"since": "2024", "until": "2023"}, "is after until", id="since-after-until"),
        pytest.param({"since": "2023-02-30"}, "not an ISO date", id="impossible-date"),
        pytest.param({"view": "parties", "fold": True}, "fold applies", id="fold-without-events"),
        pytest.param(
            {"exclude": "nothing-like-this"}, "not a class, relation or entity", id="unknown-exclude"
        ),
    ],
)
def test_bad_options_are_input_errors(options: dict, message: str) -> None:
    view = options.pop("view", "actors")
    with pytest.raises(InputError, match=message):
        build_view(view, graph=TINY, **options)


def test_relations_carry_the_dates_of_their_record_or_of_the_event() -> None:
    view = build_view("full", graph=TINY)
    organised = view.edges[ID + "event/webinar-2020", ID + "organisation/who", "schema:organizer"]
    assert (organised["start"], organised["end"]) == ("2020-09-15", "2020-09-15")  # the event's
    adopted = view.edges[ID + "decision/mc-1-1", ID + "meeting/cop-1", "mg:adoptedAt"]
    assert (adopted["start"], adopted["end"]) == ("2017-09-24", "2017-09-29")  # the meeting's
    undated = view.edges[ID + "event/waste", ID + "organisation/unep", "schema:organizer"]
    assert (undated["start"], undated["end"]) == (None, None)  # an undated event: undated link


def test_a_window_keeps_only_the_links_of_its_period() -> None:
    everything = build_view("actors", graph=TINY)
    window = build_view("actors", graph=TINY, since="2021")
    gone = {(u, v, k) for u, v, k in everything.edges(keys=True)} - set(window.edges(keys=True))
    assert (ID + "event/webinar-2020", ID + "organisation/who", "schema:organizer") in gone


@pytest.mark.parametrize("view", ["actors", "decisions", "full"])
def test_drop_isolates_leaves_out_exactly_the_unlinked(view: str) -> None:
    whole = build_view(view, graph=TINY, classes=None)
    isolated = {n for n in whole if whole.degree(n) == 0}
    kept = build_view(view, graph=TINY, drop_isolates=True)
    assert set(kept) == set(whole) - isolated
    assert kept.number_of_edges() == whole.number_of_edges()
    assert all(kept.degree(n) > 0 for n in kept)
    assert kept.graph["options"]["drop_isolates"] is True


def test_drop_isolates_on_the_command_line(tmp_path) -> None:
    from mgraph.cli import main

    out = tmp_path / "v.graphml"
    assert main(["export", "-f", "graphml", "--graph", str(TINY), "--drop-isolates", "-o", str(out)]) == 0
    import networkx as nx

    back = nx.read_graphml(out)
    assert back.number_of_nodes() and all(back.degree(n) > 0 for n in back)


# --- the analyst's views: the Convention's neighbourhood, the partnership, projects -------------


def _ids(view) -> set[str]:
    return {attrs["id"] for _, attrs in view.nodes(data=True)}


def _classes(view) -> set[str]:
    return {c for _, attrs in view.nodes(data=True) for c in attrs["classes"]}


def test_the_convention_view_is_the_minamata_conventions_neighbourhood(curated: dict) -> None:
    view = curated["convention"]
    ids = _ids(view)
    assert view.graph["options"]["focus"] == "convention/minamata"
    assert {
        "convention/minamata",
        "meeting/cop-5",
        "decision/mc-5-3",
        "organisation/minamata-secretariat",
        "event/minamata-online",
    } <= ids
    assert any(i.startswith("provision/") for i in ids)  # its articles and annexes
    adopted = ID + "decision/mc-5-3", ID + "meeting/cop-5", "mg:adoptedAt"
    assert view.has_edge(*adopted)  # the links among the neighbours are kept
    # Excluded: the Parties' legal acts (the parties view), the States, other conventions.
    assert not {"mg:LegalAct", "mg:State"} & _classes(view)
    assert "convention/basel" not in ids
    # Every entity is the Convention or one relation away from it.
    centre = ID + "convention/minamata"
    assert all(n == centre or view.has_edge(n, centre) or view.has_edge(centre, n) for n in view)


def test_the_convention_view_follows_another_focus() -> None:
    basel = build_view("convention", focus="Basel Convention")
    assert "convention/basel" in _ids(basel) and "convention/minamata" not in _ids(basel)
    assert "decision/mc-5-3" not in _ids(basel)


def test_a_view_s_own_focus_missing_from_the_graph_says_to_give_one() -> None:
    with pytest.raises(InputError, match=r"centres on convention/minamata.*--focus"):
        build_view("convention", graph=TINY)
    with pytest.raises(InputError) as caught:  # a focus the user gave: the resolver's own message
        build_view("convention", graph=TINY, focus="Atlantis")
    assert "centres on" not in str(caught.value)


def test_the_partnership_view_has_areas_their_leads_topics_and_events(curated: dict) -> None:
    view = curated["partnership"]
    ids = _ids(view)
    assert {"organisation/gmp", "partnership-area/gmp-asgm", "partnership-area/gmp-pag"} <= ids
    asgm = ID + "partnership-area/gmp-asgm"
    leads = {short(u) for u, _, key in view.in_edges(asgm, keys=True) if key == "mg:CoLead"}
    assert {"unido", "nrdc"} <= leads  # the posts held are dated edges to the area
    assert view.has_edge(asgm, ID + "organisation/gmp", "org:unitOf")
    assert any(i.startswith("topic/") for i in ids) and any(i.startswith("event/pag-") for i in ids)
    # Excluded: decisions, meetings of the Convention, legal acts, and every actor that holds no
    # post in the partnership (UNEP hosts it but leads no area; States take part in no area here).
    assert not {"mg:Decision", "mg:ConferenceOfTheParties", "mg:LegalAct", "mg:State"} & _classes(view)
    assert "organisation/unep" not in ids
    people = [n for n, a in view.nodes(data=True) if a["class"] == "mg:Person"]
    assert people and all(any(a.get("record") for _, _, a in view.out_edges(n, data=True)) for n in people)


def test_the_projects_view_has_funders_agencies_and_countries(curated: dict) -> None:
    view = curated["projects"]
    ids = _ids(view)
    funded = [n for n, a in view.nodes(data=True) if a["class"] == "mg:Project"]
    assert len(funded) >= 20
    keys = {k for _, _, k in view.edges(keys=True)}
    assert {"schema:funder", "mg:implementingAgency", "mg:participatingCountry"} <= keys
    assert "organisation/gef" in ids and "country/bfa" in ids
    # Excluded: events, decisions, legal acts; a country in no project is not there.
    assert not {"mg:Event", "mg:Decision", "mg:LegalAct"} & _classes(view)
    assert "country/afg" not in ids and "country/afg" in _ids(curated["parties"])


def test_collection_is_paused_for_a_block_and_restored_as_it_was() -> None:
    """An index, a view and an export are built with the garbage collector paused; afterwards it
    runs as before, and a cycle made in the block is still collected."""
    import gc
    import weakref

    from mgraph.core.garbage import collection_paused

    class Node:
        pass

    assert gc.isenabled()
    frozen = gc.get_freeze_count()  # 0, but 375 at start-up on CPython 3.12.1 (its own)
    with collection_paused():
        assert not gc.isenabled()
        cycle = Node()
        cycle.self = cycle  # type: ignore[attr-defined]
        gone = weakref.ref(cycle)
        del cycle
    assert gc.isenabled() and gc.get_freeze_count() == frozen
    gc.collect()
    assert gone() is None
    gc.disable()  # a caller's own pause is left as it is
    try:
        with collection_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_others_frozen_objects_stay_frozen_after_a_paused_block() -> None:
    import gc

    from mgraph.core.garbage import collection_paused

    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with collection_paused():
            pass
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
