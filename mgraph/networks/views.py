"""Network views of the RDF graph: which entities become nodes, which relations become edges.

A view is a networkx ``MultiDiGraph`` whose nodes are entities (keyed by IRI) and whose edges are
relations between them (keyed by the compact predicate). The attributes are plain JSON values:

- graph: ``view`` (its name), ``options`` (the options it was built with);
- node: ``iri``; ``id`` (``decision/mc-5-3``); ``kind`` (``decision``); ``label``; ``class`` (the
  most specific, compact: ``mg:Decision``); ``classes`` (with superclasses, sorted);
  ``alt_names`` (codes, acronyms, ISO codes); ``start``/``end`` (ISO text as precise as the
  source: ``2023-10-30``, ``2023-10``, ``2023``; or None); ``sources`` (``{"iri", "label", "url"}``,
  sorted); ``n_sources``; ``facts`` (``{"predicate", "label", "value", "iri"}``: literal values and
  links to things outside the view, sorted);
- edge (key: compact predicate, ``mg:coOrganiser``): ``predicate`` (IRI), ``label``, ``start``,
  ``end``, ``weight`` (1 unless folded), ``sources`` (a claim's own sources, else the subject
  record's); ``via`` (folded edges: the events and projects); ``record`` (a post: its role
  record).

Rules worth knowing:

- Source documents, claims and places are never nodes unless ``with_sources`` / ``with_places``
  (UN country groups come with places); then those that are linked to a node of the view come in.
- In the ``actors`` view a role record (a post held) becomes a dated edge from its holder to the
  body it was held in, keyed by the role (``mg:Lead``); with ``fold`` the events and projects give
  way to weighted actor-to-actor edges keyed ``dcterms:relation`` whose ``via`` lists them.
- Time window (``since``/``until``): a dated entity or relation is kept when its period overlaps
  the window (a partial date such as ``2023`` covers the whole year); **undated entities and
  relations are kept**, since nothing says they fall outside it. An event, meeting or legal act
  with a start and no end is taken to happen on its start date.
- A relation carries the dates of the record it comes from (its subject: a legal act, a post, a
  meeting, a decision), else those of its object when that happens on a date (an organisation
  taking part in an event), so a time window shows the network as it was.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from mgraph.core.errors import InputError
from mgraph.core.garbage import collection_paused
from mgraph.core.namespaces import MG, ORG, SCHEMA
from mgraph.core.terms import expand_curie
from mgraph.networks.index import (
    CLAIM,
    DERIVED_FROM,
    PLACE,
    PREF_LABEL,
    RDF_TYPE,
    RDFS_LABEL,
    ROLE,
    ROLE_HOLDING,
    ROLE_MEMBER,
    ROLE_OF,
    SCHEMA_URL,
    SOURCE_DOCUMENT,
    GraphIndex,
    class_closure,
    compact_iri,
    get_index,
    term_label,
)
from mgraph.networks.view_names import VIEW_NAMES

DCTERMS = "http://purl.org/dc/terms/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
FOLD_PREDICATE = DCTERMS + "relation"
FOLD_KEY = "dcterms:relation"
FOLD_LABEL = "shares events or projects with"

ACTORS = frozenset(
    str(c)
    for c in (
        MG.Organisation,
        MG.State,
        MG.RegionalEconomicIntegrationOrganisation,
        MG.Person,
        ORG.OrganizationalUnit,
    )
)
ACTIVITIES = frozenset({str(MG.Event), str(MG.Project)})
LEGAL_ACT = str(MG.LegalAct)
POINTS_IN_TIME = frozenset({str(SCHEMA.Event), LEGAL_ACT})
"""Classes whose members happen on a date: without an end they end when they start."""
START_PREDICATES = tuple(str(p) for p in (SCHEMA.startDate, MG.actDate, MG.establishedIn, MG.adoptionDate))
END_PREDICATES = (str(SCHEMA.endDate), str(MG.actDate))
COUNTRY_GROUP = str(MG.CountryGroup)  # UN regions and lists (issue 18): hubs, shown with places
ALWAYS_HIDDEN = frozenset({SOURCE_DOCUMENT, CLAIM, PLACE, COUNTRY_GROUP})


@dataclass(frozen=True)
class ViewSpec:
    name: str
    doc: str
    classes: frozenset[str] | None  # None: every entity
    relations: frozenset[str] | None = None  # None: every relation between the view's nodes
    linked: tuple[tuple[frozenset[str], frozenset[str] | None], ...] = ()
    """(classes, relations): entities of these classes come in when one of these relations links
    them to a node of the view (None: any relation)."""
    roles_as_edges: bool = False
    foldable: frozenset[str] = frozenset()
    holders: frozenset[str] = frozenset()
    """Entities of these classes come in when they hold a post (a role record) in a node of the
    view; with ``roles_as_edges`` the post is their edge to it."""
    focus: str | None = None
    """The entity whose neighbourhood the view is when no focus is given (``--focus`` overrides)."""


def _iris(*terms: Any) -> frozenset[str]:
    return frozenset(str(t) for t in terms)


_SPECS: dict[str, ViewSpec] = {
    spec.name: spec
    for spec in (
        ViewSpec(
            "actors",
            "organisations, countries, people and partnership areas, with the events "
            "and projects they take part in (or folded into actor-actor edges) and the posts "
            "they hold",
            ACTORS | ACTIVITIES,
            roles_as_edges=True,
            foldable=ACTIVITIES,
        ),
        ViewSpec(
            "decisions",
            "meetings, decisions, provisions, conventions and topics, and whom decisions request, invite "
            "or give guidance to",
            _iris(MG.Meeting, MG.Decision, MG.Provision, MG.Convention, MG.Topic),
            relations=_iris(
                MG.adoptedAt,
                MG.concernsProvision,
                MG.requests,
                MG.invites,
                MG.givesGuidanceTo,
                MG.amends,
                MG.ofConvention,
                SCHEMA.superEvent,
                DCTERMS + "subject",
                DCTERMS + "replaces",
                DCTERMS + "isPartOf",
                "http://www.w3.org/2004/02/skos/core#broader",
            ),
            linked=((ACTORS, _iris(MG.requests, MG.invites, MG.givesGuidanceTo)),),
        ),
        ViewSpec(
            "parties",
            "countries and regional organisations, their dated legal acts and the conventions they concern",
            _iris(MG.State, MG.RegionalEconomicIntegrationOrganisation, MG.LegalAct, MG.Convention),
        ),
        ViewSpec(
            "full", "every entity and relation except provenance (and places)", None, foldable=ACTIVITIES
        ),
        ViewSpec(
            "convention",
            "the Minamata Convention's neighbourhood: its articles and annexes, the meetings held and "
            "decisions taken under it, its secretariat, its topics and the events about it, with the "
            "links among them (--focus another convention for its own)",
            _iris(MG.Convention, MG.Provision, MG.Meeting, MG.Decision, MG.Topic, MG.Organisation, MG.Event),
            focus="convention/minamata",
        ),
        ViewSpec(
            "partnership",
            "the partnerships (the Global Mercury Partnership) and their areas, cross-cutting areas and "
            "advisory groups, with their topics, the posts held in them (leads, co-leads, chairs) and the "
            "events and projects of each area",
            _iris(MG.Partnership, MG.PartnershipArea, MG.CrossCuttingArea, MG.AdvisoryGroup),
            linked=(
                (_iris(MG.Topic), _iris(DCTERMS + "subject")),
                (
                    ACTIVITIES,
                    _iris(
                        MG.partnershipArea,
                        SCHEMA.organizer,
                        MG.coOrganiser,
                        MG.collaborator,
                        MG.executingAgency,
                        MG.technicalPartner,
                    ),
                ),
            ),
            roles_as_edges=True,
            holders=ACTORS,
        ),
        ViewSpec(
            "projects",
            "funded projects with their funders, implementing and executing agencies, technical "
            "partners, participating countries, topics and partnership areas",
            _iris(MG.Project),
            linked=(
                (
                    ACTORS,
                    _iris(
                        SCHEMA.funder,
                        MG.implementingAgency,
                        MG.executingAgency,
                        MG.technicalPartner,
                        MG.participatingCountry,
                        MG.partnershipArea,
                    ),
                ),
                (_iris(MG.Topic), _iris(DCTERMS + "subject")),
            ),
        ),
    )
}
if set(_SPECS) != set(VIEW_NAMES):  # a view named without its spec, or a spec nobody offers
    raise ImportError(f"views named {sorted(VIEW_NAMES)} but specified {sorted(_SPECS)}")
VIEWS: dict[str, ViewSpec] = {name: _SPECS[name] for name in VIEW_NAMES}
"""The views by name, in the order of :data:`mgraph.networks.view_names.VIEW_NAMES`."""


# ---------------------------------------------------------------------------------------------
# Dates


_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def date_bounds(text: str) -> tuple[dt.date, dt.date]:
    """The first and last day an ISO date, year-month or year covers."""
    match = _DATE_RE.match(text)
    if not match:
        raise ValueError(text)
    year, month, day = match.groups()
    if day:
        date = dt.date(int(year), int(month), int(day))
        return date, date
    if month:
        first = dt.date(int(year), int(month), 1)
        following = dt.date(int(year) + int(month) // 12, int(month) % 12 + 1, 1)
        return first, following - dt.timedelta(days=1)
    return dt.date(int(year), 1, 1), dt.date(int(year), 12, 31)


def _window(since: Any, until: Any) -> tuple[dt.date | None, dt.date | None]:
    def parse(value: Any, name: str, upper: bool) -> dt.date | None:
        if value is None or value == "":
            return None
        if isinstance(value, dt.date):
            return value
        text = str(value).strip()
        try:
            if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", text):
                raise ValueError(text)
            return date_bounds(text)[1 if upper else 0]
        except ValueError:
            raise InputError(f"{name} {value!r} is not an ISO date (2023, 2023-06 or 2023-06-19)") from None

    low, high = parse(since, "since", False), parse(until, "until", True)
    if low and high and low > high:
        raise InputError(f"since {since} is after until {until}")
    return low, high


def _overlaps(start: str | None, end: str | None, low: dt.date | None, high: dt.date | None) -> bool:
    if start is None and end is None:
        return True  # undated: kept
    first = date_bounds(start)[0] if start else None
    last = date_bounds(end)[1] if end else None
    if high is not None and first is not None and first > high:
        return False
    return not (low is not None and last is not None and last < low)


# ---------------------------------------------------------------------------------------------
# Names of classes and relations, as users write them


def _name_keys(iri: str) -> set[str]:
    compact = compact_iri(iri)
    keys = {iri.casefold(), compact.casefold(), term_label(iri).casefold()}
    if ":" in compact:
        keys.add(compact.split(":", 1)[1].casefold())
    return keys


def _match_names(names: list[str], known: set[str], what: str, scope: str) -> set[str]:
    """The IRIs ``names`` stand for (compact name, IRI, label or local name); an error naming the
    closest known ones for a name that matches nothing."""
    import difflib

    table: dict[str, set[str]] = {}
    for iri in known:
        for key in _name_keys(iri):
            table.setdefault(key, set()).add(iri)
    found: set[str] = set()
    problems = []
    for name in names:
        hits = table.get(name.strip().casefold()) or table.get(expand_curie(name.strip()).casefold())
        if hits:
            found |= hits
            continue
        display = sorted({compact_iri(i) for i in known})
        close = difflib.get_close_matches(name, display + sorted(term_label(i) for i in known), n=5)
        hint = f"; did you mean: {', '.join(close)}" if close else f"; known: {', '.join(display[:30])}"
        problems.append(f"unknown {what} {name!r} in {scope}{hint}")
    if problems:
        raise InputError(problems)
    return found


def _split(value: Any) -> list[str]:
    if value is None:
        return []
    items = [value] if isinstance(value, str) else list(value)
    return [part.strip() for item in items for part in str(item).split(",") if part.strip()]


# ---------------------------------------------------------------------------------------------
# Building


def build_view(
    view: str = "actors",
    graph: Any = None,
    classes: Any = None,
    relations: Any = None,
    exclude: Any = None,
    focus: str | None = None,
    depth: int = 1,
    since: Any = None,
    until: Any = None,
    fold: bool = False,
    with_sources: bool = False,
    with_places: bool = False,
    drop_isolates: bool = False,
) -> Any:
    """A network view of the graph (a ``networkx.MultiDiGraph``).

    ``view``: one of :data:`VIEWS`. ``graph``: None for the project's graph (dist/mercury.nt when
    built, else data/), or an rdflib Graph, KnowledgeGraph, pyoxigraph Store, RDF file
    or iterable of triples. ``classes`` / ``relations`` keep only those (compact names such as
    ``mg:Decision``, IRIs or labels; a list or a comma-separated string); ``exclude`` drops
    classes, relations or entities. ``focus`` + ``depth``: only what lies within ``depth``
    relations of that entity, in either direction. ``since`` / ``until``: ISO dates (see the
    module doc for undated entities). ``drop_isolates``: leave out the entities with no relation
    in the view (applied last). Raises InputError (exit 2) for any bad option.

    >>> import mgraph
    >>> kg = mgraph.load("tests/fixtures/data/good")
    >>> view = mgraph.network("actors", graph=kg)
    >>> view.number_of_nodes(), view.number_of_edges()
    (14, 14)
    >>> unep = mgraph.network("actors", graph=kg, focus="UNEP", depth=1)
    >>> sorted(label for _, label in unep.nodes(data="label"))
    ['Artisanal and Small-Scale Gold Mining', 'GEF GOLD', 'United Nations Environment Programme']
    """
    spec = VIEWS.get(view)
    if spec is None:
        raise InputError(f"unknown view {view!r}; choose one of: {', '.join(VIEWS)}")
    if not isinstance(depth, int) or isinstance(depth, bool) or depth < 0:
        raise InputError(f"depth must be a whole number 0 or more, not {depth!r}")
    low, high = _window(since, until)
    centre = focus is None and spec.focus is not None  # the view's own focus
    if focus is None:
        focus = spec.focus
    if fold and not spec.foldable:
        raise InputError(
            f"fold applies to the views with events and projects "
            f"({', '.join(n for n, s in VIEWS.items() if s.foldable)}), not {view!r}"
        )
    index = get_index(graph)
    class_names, relation_names, excluded = _split(classes), _split(relations), _split(exclude)
    options = {
        "classes": class_names,
        "relations": relation_names,
        "exclude": excluded,
        "focus": focus,
        "depth": depth,
        "since": str(since) if since else None,
        "until": str(until) if until else None,
        "fold": bool(fold),
        "with_sources": bool(with_sources),
        "with_places": bool(with_places),
        "drop_isolates": bool(drop_isolates),
    }
    with collection_paused():  # a large view is hundreds of thousands of containers
        builder = _Builder(index, spec, with_sources, with_places)
        builder.select_nodes()
        builder.select_edges()
        if class_names:
            builder.keep_classes(class_names)
        if relation_names:
            builder.keep_relations(relation_names)
        if excluded:
            builder.exclude(excluded)
        try:
            focus_iri = builder.resolve_focus(focus) if focus is not None else None
        except InputError as exc:
            if not centre:
                raise
            raise InputError(
                [
                    f"the {view} view centres on {focus}, which this graph does not hold; "
                    "give another entity with focus (--focus)",
                    *exc.messages,
                ]
            ) from None
        if low is not None or high is not None:
            builder.window(low, high)
        if fold:
            builder.fold()
        if focus_iri is not None:
            builder.neighbourhood(focus_iri, depth)
        if drop_isolates:
            builder.drop_isolates()
        return builder.finish(view, options)


class _Builder:
    def __init__(self, index: GraphIndex, spec: ViewSpec, with_sources: bool, with_places: bool):
        self.index = index
        self.spec = spec
        self.tiers = list(spec.linked)
        if with_sources:
            self.tiers.append((frozenset({SOURCE_DOCUMENT, CLAIM}), None))
        if with_places:
            self.tiers.append((frozenset({PLACE, COUNTRY_GROUP}), None))
        self.open_tier: set[str] = set()  # nodes admitted by a tier whose relations are all
        self.nodes: set[str] = set()
        self.edges: dict[tuple[str, str, str], dict[str, Any]] = {}
        self.dates: dict[str, tuple[str | None, str | None]] = {}
        self._sources: dict[str, dict[str, Any]] = {}
        self._claims: dict[tuple[str, str, str], list[str]] | None = None
        self._sources_of: dict[str, list[dict[str, Any]]] = {}
        self._labels: dict[str, str] = {}  # names of things a node links to that are no node
        self._classes: dict[frozenset[str], tuple[str, list[str]]] = {}  # by an entity's types

    # -- nodes ---------------------------------------------------------------------------------

    def select_nodes(self) -> None:
        spec, types = self.spec, self.index.types
        hidden = ALWAYS_HIDDEN | ({ROLE_HOLDING} if spec.roles_as_edges else frozenset())
        core = {
            e
            for e, ts in types.items()
            if (spec.classes is None or not ts.isdisjoint(spec.classes)) and ts.isdisjoint(hidden)
        }
        admitted: set[str] = set()
        for tier_classes, tier_relations in self.tiers:
            candidates = {e for e, ts in types.items() if not ts.isdisjoint(tier_classes)} - core
            found = self._linked(core, candidates, tier_relations)
            if tier_relations is None:
                self.open_tier |= found
            admitted |= found
        if spec.holders:
            admitted |= self._holders(core, spec.holders)
        self.nodes = core | admitted

    def _holders(self, core: set[str], classes: frozenset[str]) -> set[str]:
        """Entities of ``classes`` that hold a post in a node of ``core``."""
        index, found = self.index, set()
        for record, types in index.types.items():
            if ROLE_HOLDING in types and any(o.value in core for o in index.values(record, ROLE_OF)):
                for holder in index.values(record, ROLE_MEMBER):
                    if not index.types.get(holder.value, set()).isdisjoint(classes):
                        found.add(holder.value)
        return found - core

    def _linked(self, core: set[str], candidates: set[str], relations: frozenset[str] | None) -> set[str]:
        """Candidates linked to the core, or to candidates linked to it (a claim's sources)."""
        out = self.index.out
        anchor, found = set(core), set[str]()
        while True:
            new = set()
            for node in anchor:
                for p, o in out.get(node, ()):
                    if o.value in candidates and (relations is None or p in relations):
                        new.add(o.value)
            for entity in candidates - found - new:
                for p, o in out.get(entity, ()):
                    if p != RDF_TYPE and o.value in anchor and (relations is None or p in relations):
                        new.add(entity)
                        break
            new -= found
            if not new:
                return found
            found |= new
            anchor = new

    def node_dates(self, iri: str) -> tuple[str | None, str | None]:
        cached = self.dates.get(iri)
        if cached is not None:
            return cached
        values: dict[str, list[str]] = {}
        for p, o in self.index.out.get(iri, ()):
            if p in START_PREDICATES or p in END_PREDICATES:
                values.setdefault(p, []).append(o.value)
        start = next((min(values[p]) for p in START_PREDICATES if p in values), None)
        end = next((max(values[p]) for p in END_PREDICATES if p in values), None)
        if end is None and start is not None:
            types = self.index.types.get(iri, set())
            if not types.isdisjoint(POINTS_IN_TIME):
                end = start
        self.dates[iri] = (start, end)
        return start, end

    # -- edges ---------------------------------------------------------------------------------

    def select_edges(self) -> None:
        out, nodes, allowed, open_tier = self.index.out, self.nodes, self.spec.relations, self.open_tier
        for u in nodes:
            own = self.node_dates(u)
            for p, o in out.get(u, ()):
                if p == RDF_TYPE or _is_literal(o):
                    continue
                v = o.value  # (a new string each time: asked for only of links)
                if v not in nodes:
                    continue
                if allowed is not None and p not in allowed and u not in open_tier and v not in open_tier:
                    continue
                start, end = self.edge_dates(own, v)
                self._add_edge(
                    u,
                    v,
                    compact_iri(p),
                    {
                        "predicate": p,
                        "label": term_label(p),
                        "start": start,
                        "end": end,
                        "weight": 1,
                        "sources": self._edge_sources(u, p, v),
                    },
                )
        if self.spec.roles_as_edges:
            self._role_edges()

    def edge_dates(self, own: tuple[str | None, str | None], target: str) -> tuple[str | None, str | None]:
        """A relation's period: its subject's (the dated record it comes from: a legal act, a
        post, a dated meeting or decision), else its object's when that happens on a date (an
        actor taking part in an event), else none."""
        if own[0] or own[1]:
            return own
        if not self.index.types.get(target, set()).isdisjoint(POINTS_IN_TIME):
            return self.node_dates(target)
        return None, None

    def _add_edge(self, u: str, v: str, key: str, attrs: dict[str, Any]) -> None:
        candidate, n = key, 1
        while (u, v, candidate) in self.edges:
            n += 1
            candidate = f"{key}#{n}"
        self.edges[(u, v, candidate)] = attrs

    def _role_edges(self) -> None:
        index = self.index
        for role_record, types in sorted(index.types.items()):
            if ROLE_HOLDING not in types:
                continue
            holders = sorted(o.value for o in index.values(role_record, ROLE_MEMBER))
            bodies = sorted(o.value for o in index.values(role_record, ROLE_OF))
            roles = sorted(o.value for o in index.values(role_record, ROLE))
            if not (holders and bodies and roles):
                continue
            u, v, role = holders[0], bodies[0], roles[0]
            if u not in self.nodes or v not in self.nodes:
                continue
            start, end = self.node_dates(role_record)
            self._add_edge(
                u,
                v,
                compact_iri(role),
                {
                    "predicate": role,
                    "label": f"{term_label(role).lower()} of",
                    "start": start,
                    "end": end,
                    "weight": 1,
                    "record": role_record,
                    "sources": self.sources_of(role_record),
                },
            )

    def _claim_sources(self) -> dict[tuple[str, str, str], list[str]]:
        if self._claims is None:
            self._claims = {}
            for claim, types in self.index.types.items():
                if CLAIM not in types:
                    continue
                parts = {
                    p: o.value
                    for p, o in self.index.out.get(claim, ())
                    if p in (RDF + "subject", RDF + "predicate", RDF + "object")
                }
                if len(parts) == 3:
                    key = (parts[RDF + "subject"], parts[RDF + "predicate"], parts[RDF + "object"])
                    self._claims.setdefault(key, []).extend(
                        o.value for o in self.index.values(claim, DERIVED_FROM)
                    )
        return self._claims

    def _edge_sources(self, u: str, p: str, v: str) -> list[dict[str, Any]]:
        own = self._claim_sources().get((u, p, v))
        if own:
            return [self.source(s) for s in sorted(set(own))]
        return list(self.sources_of(u))

    def source(self, iri: str) -> dict[str, Any]:
        entry = self._sources.get(iri)
        if entry is None:
            urls = sorted(o.value for o in self.index.values(iri, SCHEMA_URL))
            url = (
                urls[0]
                if urls
                else (
                    iri
                    if iri.startswith(("http://", "https://"))
                    and not iri.startswith("https://w3id.org/mgraph/")
                    else None
                )
            )
            entry = {"iri": iri, "label": self.index.label(iri), "url": url}
            self._sources[iri] = entry
        return entry

    def sources_of(self, iri: str) -> list[dict[str, Any]]:
        found = self._sources_of.get(iri)
        if found is None:
            found = [
                self.source(s)
                for s in sorted({o.value for p, o in self.index.out.get(iri, ()) if p == DERIVED_FROM})
            ]
            self._sources_of[iri] = found
        return found

    # -- options -------------------------------------------------------------------------------

    def _classes_in_graph(self) -> set[str]:
        closure = class_closure()
        known = set(closure) | {s for sups in closure.values() for s in sups}
        for types in self.index.types.values():
            known |= types
        return known

    def _relations_in_graph(self) -> set[str]:
        known = {p for pairs in self.index.out.values() for p, _ in pairs} - {RDF_TYPE}
        known |= {attrs["predicate"] for attrs in self.edges.values()}
        if self.spec.foldable:
            known.add(FOLD_PREDICATE)
        return known

    def keep_classes(self, names: list[str]) -> None:
        wanted = _match_names(names, self._classes_in_graph(), "class", "the graph")
        types = self.index.types
        for iri in sorted(wanted):
            if not any(iri in types.get(n, ()) for n in self.nodes):
                raise InputError(
                    f"class {compact_iri(iri)} has no entity in the {self.spec.name} "
                    "view; see `mgraph export --help` for what each view holds"
                )
        self.nodes = {n for n in self.nodes if not types.get(n, set()).isdisjoint(wanted)}
        self._drop_dangling()

    def keep_relations(self, names: list[str]) -> None:
        wanted = _match_names(names, self._relations_in_graph(), "relation", "the graph")
        self.wanted_relations = wanted
        self.edges = {k: a for k, a in self.edges.items() if a["predicate"] in wanted}

    def exclude(self, names: list[str]) -> None:
        classes, relations = self._classes_in_graph(), self._relations_in_graph()
        for name in names:
            try:
                gone = _match_names([name], classes, "class", "")
                types = self.index.types
                self.nodes = {n for n in self.nodes if types.get(n, set()).isdisjoint(gone)}
                continue
            except InputError:
                pass
            try:
                gone = _match_names([name], relations, "relation", "")
                self.edges = {k: a for k, a in self.edges.items() if a["predicate"] not in gone}
                continue
            except InputError:
                pass
            from mgraph.networks.search import resolve

            try:
                self.nodes.discard(resolve(name, self.index))
            except InputError as exc:
                raise InputError(
                    [f"exclude {name!r}: not a class, relation or entity", *exc.messages]
                ) from None
        self._drop_dangling()

    def resolve_focus(self, focus: str) -> str:
        from mgraph.networks.search import resolve

        iri = resolve(focus, self.index)
        if iri not in self.nodes:
            raise InputError(
                f"focus {focus!r} ({self.index.label(iri)}, {self.index.record_id(iri)}) "
                f"is not in the {self.spec.name} view with these options"
            )
        return iri

    def window(self, low: dt.date | None, high: dt.date | None) -> None:
        self.nodes = {n for n in self.nodes if _overlaps(*self.node_dates(n), low, high)}
        self.edges = {k: a for k, a in self.edges.items() if _overlaps(a["start"], a["end"], low, high)}
        self._drop_dangling()

    def fold(self) -> None:
        types = self.index.types
        folded = {n for n in self.nodes if not types.get(n, set()).isdisjoint(self.spec.foldable)}
        members: dict[str, set[str]] = {}
        for u, v, _ in self.edges:
            if u in folded and v not in folded:
                members.setdefault(u, set()).add(v)
            elif v in folded and u not in folded:
                members.setdefault(v, set()).add(u)
        via: dict[tuple[str, str], set[str]] = {}
        for activity, actors in members.items():
            ordered = sorted(actors)
            for i, a in enumerate(ordered):
                for b in ordered[i + 1 :]:
                    via.setdefault((a, b), set()).add(activity)
        self.nodes -= folded
        self._drop_dangling()
        for (a, b), activities in sorted(via.items()):
            ordered = sorted(activities)
            spans = [self.node_dates(x) for x in ordered]
            dated = all(s or e for s, e in spans)
            starts = [first for s, e in spans if (first := s or e)]
            ends = [last for s, e in spans if (last := e or s)]
            sources = sorted({s["iri"] for x in ordered for s in self.sources_of(x)})
            self._add_edge(
                a,
                b,
                FOLD_KEY,
                {
                    "predicate": FOLD_PREDICATE,
                    "label": FOLD_LABEL,
                    "start": min(starts) if dated and starts else None,
                    "end": max(ends) if dated and ends else None,
                    "weight": len(ordered),
                    "via": ordered,
                    "sources": [self.source(s) for s in sources],
                },
            )

    def neighbourhood(self, focus: str, depth: int) -> None:
        adjacent: dict[str, set[str]] = {}
        for u, v, _ in self.edges:
            adjacent.setdefault(u, set()).add(v)
            adjacent.setdefault(v, set()).add(u)
        seen, frontier = {focus}, {focus}
        for _ in range(depth):
            frontier = {n for f in frontier for n in adjacent.get(f, ())} - seen
            seen |= frontier
        self.nodes &= seen
        self._drop_dangling()

    def drop_isolates(self) -> None:
        linked = {u for u, _, _ in self.edges} | {v for _, v, _ in self.edges}
        self.nodes &= linked

    def _drop_dangling(self) -> None:
        nodes = self.nodes
        self.edges = {k: a for k, a in self.edges.items() if k[0] in nodes and k[1] in nodes}

    # -- the graph -----------------------------------------------------------------------------

    def node_attributes(self, iri: str) -> dict[str, Any]:
        index = self.index
        types = index.types.get(iri, set())
        start, end = self.node_dates(iri)
        sources = list(self.sources_of(iri))
        facts = []
        nodes, out, labels = self.nodes, index.out, self._labels
        for p, o in out.get(iri, ()):
            if p in _NOT_FACTS:
                continue
            if _is_literal(o):
                facts.append(
                    {"predicate": compact_iri(p), "label": term_label(p), "value": o.value, "iri": None}
                )
                continue
            target = o.value
            if target in nodes:
                continue
            name = labels.get(target)
            if name is None:
                name = labels[target] = index.label(target) if target in out else term_label(target)
            facts.append({"predicate": compact_iri(p), "label": term_label(p), "value": name, "iri": target})
        facts.sort(key=_fact_order)
        key = frozenset(types)
        classes = self._classes.get(key)
        if classes is None:
            classes = self._classes[key] = (
                compact_iri(most_specific(types)) if types else "",
                sorted(compact_iri(c) for c in types),
            )
        return {
            "iri": iri,
            "id": index.record_id(iri),
            "kind": index.kind(iri),
            "label": index.label(iri),
            "class": classes[0],
            "classes": list(classes[1]),
            "alt_names": index.alt_names(iri),
            "start": start,
            "end": end,
            "sources": sources,
            "n_sources": len(sources),
            "facts": facts,
        }

    def finish(self, view: str, options: dict[str, Any]) -> Any:
        import networkx as nx

        graph = view_class()()
        graph.index = self.index
        graph.graph["view"] = view
        graph.graph["options"] = options
        graph.add_nodes_from((iri, self.node_attributes(iri)) for iri in sorted(self.nodes))
        graph.add_edges_from((u, v, key, self.edges[(u, v, key)]) for (u, v, key) in sorted(self.edges))
        assert isinstance(graph, nx.MultiDiGraph)
        return graph


_NOT_FACTS = frozenset({RDF_TYPE, RDFS_LABEL, PREF_LABEL, DERIVED_FROM})
_LITERAL_TYPES: dict[type, bool] = {}


def _is_literal(term: Any) -> bool:
    kind = type(term)
    found = _LITERAL_TYPES.get(kind)
    if found is None:
        found = _LITERAL_TYPES[kind] = hasattr(term, "datatype")
    return found


def _fact_order(fact: dict[str, Any]) -> tuple[str, str, str]:
    return fact["predicate"], fact["value"], fact["iri"] or ""


def most_specific(types: set[str]) -> str:
    """The most specific of an entity's classes (ours first when several are equally specific)."""
    closure = class_closure()
    inherited = {s for t in types for s in closure.get(t, ())}
    candidates = sorted(types - inherited, key=lambda c: (not c.startswith(str(MG)), compact_iri(c)))
    return candidates[0] if candidates else sorted(types)[0]


@cache
def view_class() -> type:
    """The class of views: a MultiDiGraph that remembers the graph index it was built from, so
    its RDF triples can be listed (:func:`view_triples`). Made on first use (networkx is heavy)."""
    import networkx as nx

    class View(nx.MultiDiGraph):  # type: ignore[misc]  # networkx has no types
        index: GraphIndex | None = None

    return View


def view_triples(view: Any) -> list[Any]:
    """The view as an RDF subgraph (pyoxigraph triples, sorted by their N-Triples form).

    For every node, and every record behind a derived edge (a role record; with ``fold``, the
    folded events and projects): its types, its literal values, its links to things that are no
    entity of the graph (controlled values, URLs), and its links to the view's nodes that are
    edges of the view (for a record behind a derived edge: every link to a node).
    """
    from mgraph.core.terms import iri_triple

    index: GraphIndex | None = getattr(view, "index", None)
    if index is None:
        raise InputError("this view does not come from build_view; it has no RDF triples")
    nodes = set(view.nodes)
    edges = {(u, v, attrs["predicate"]) for u, v, attrs in view.edges(data=True)}
    records = set()
    for _, _, attrs in view.edges(data=True):
        if attrs.get("record"):
            records.add(attrs["record"])
        records.update(attrs.get("via") or ())
    records -= nodes
    out = []
    for subject in sorted(nodes | records):
        for p, o in index.out.get(subject, ()):
            literal = _is_literal(o)
            if not literal and o.value in index.types and p != RDF_TYPE:
                if subject in nodes and (subject, o.value, p) not in edges:
                    continue
                if subject in records and o.value not in nodes:
                    continue
            out.append(iri_triple(subject, p, o))
    return sorted(set(out), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
