"""The HTML side of ``mgraph serve``: the query page, entity pages and class pages.

Every page is built from SPARQL run by the same workers as the endpoint, with the page's IRI
bound through pyoxigraph's ``substitutions`` (never formatted into the query text), and rendered
by Jinja2 with autoescape on, so a ``<script>`` in a literal is shown as text.

An entity page (``/id/<kind>/<id>``, the path of the IRI ``https://w3id.org/mgraph/id/<kind>/<id>``)
answers HTML, or Turtle, N-Triples or JSON-LD by content negotiation (``Accept`` or ``format=``);
a name written differently (``/id/meeting/COP-5``, ``/id/decision/MC-5%2F3``) redirects to the
entity's own page; an unknown id answers 404 with the closest ids and labels, those of the same
kind first. Turtle declares only the prefixes it uses and writes no escaped names; JSON-LD is
compacted with our ``@context``. A class page (``/class/Decision`` for ``mg:Decision``,
``/class/schema:Legislation`` for a prefixed name) gives the class's label and definition and lists
its instances by date or code. Our classes and properties link to their entry of the vocabulary
page, ``/ontology#Decision``.
"""

from __future__ import annotations

import asyncio
import difflib
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from mgraph.core.store import bind_values
from mgraph.networks.languages import negotiate
from mgraph.server import negotiation, wellknown
from mgraph.server.poolstore import PoolStore
from mgraph.server.state import ProtocolError, Server, construct, error_response, run_job, select

TEMPLATES = Path(__file__).resolve().parent / "templates"
ID_BASE = "https://w3id.org/mgraph/id/"
ONTOLOGY_BASE = "https://w3id.org/mgraph/ontology#"
HTML_TYPES: dict[str, tuple[str, ...]] = {
    "html": ("text/html", "application/xhtml+xml"),
    **negotiation.GRAPH_TYPES,
}
MAX_LISTED = 5000

_PREFIXES = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX mg: <https://w3id.org/mgraph/ontology#>
"""

FACTS = (
    _PREFIXES
    + """SELECT ?s ?p ?o (SAMPLE(?pl) AS ?plabel) (SAMPLE(?ol) AS ?olabel) WHERE {
  ?s ?p ?o .
  OPTIONAL { ?p rdfs:label ?pl }
  OPTIONAL { ?o rdfs:label ?ol }
} GROUP BY ?s ?p ?o"""
)

INCOMING = (
    _PREFIXES
    + """SELECT ?s ?x ?p (SAMPLE(?xl) AS ?xlabel) (SAMPLE(?pl) AS ?plabel) WHERE {
  ?x ?p ?s .
  FILTER (?p NOT IN (rdf:subject, rdf:object))
  OPTIONAL { ?x rdfs:label ?xl }
  OPTIONAL { ?p rdfs:label ?pl }
} GROUP BY ?s ?x ?p LIMIT 5001"""
)

CLAIMS = (
    _PREFIXES
    + """SELECT ?s ?claim ?p ?o ?disputed ?preferred ?approximate ?note ?source
    (SAMPLE(?pl) AS ?plabel) (SAMPLE(?ol) AS ?olabel) (SAMPLE(?sl) AS ?slabel) WHERE {
  ?claim a mg:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
  OPTIONAL { ?claim mg:disputed ?disputed }
  OPTIONAL { ?claim mg:preferred ?preferred }
  OPTIONAL { ?claim mg:approximate ?approximate }
  OPTIONAL { ?claim skos:note ?note }
  OPTIONAL { ?claim prov:wasDerivedFrom ?source OPTIONAL { ?source rdfs:label ?sl } }
  OPTIONAL { ?p rdfs:label ?pl }
  OPTIONAL { ?o rdfs:label ?ol }
} GROUP BY ?s ?claim ?p ?o ?disputed ?preferred ?approximate ?note ?source"""
)

DESCRIBE = (
    _PREFIXES
    + """CONSTRUCT { ?s ?p ?o . ?claim ?cp ?co } WHERE {
  { ?s ?p ?o } UNION { ?claim a mg:Claim ; rdf:subject ?s ; ?cp ?co }
}"""
)

EXISTS = "ASK { { ?s ?p ?o } UNION { ?x ?y ?s } }"

NAMES_AROUND = (
    _PREFIXES
    + """SELECT ?s ?x ?l WHERE {
  { BIND (?s AS ?x) } UNION { ?s ?p ?x } UNION { ?x ?p ?s }
  ?x skos:prefLabel ?l .
}"""
)
"""Names (in every language) of an entity and of what it links to and from: for Accept-Language."""

CLASS_NAMES = _PREFIXES + "SELECT ?c ?x ?l WHERE { ?x a ?c ; skos:prefLabel ?l }"
"""Names (in every language) of a class's instances: for Accept-Language."""

INSTANCES = (
    _PREFIXES
    + """PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX schema: <https://schema.org/>
SELECT ?c ?x (SAMPLE(?l) AS ?label) (SAMPLE(?i) AS ?code) (MIN(?d) AS ?date) WHERE {
  ?x a ?c .
  OPTIONAL { ?x rdfs:label ?l }
  OPTIONAL { ?x dcterms:identifier ?i }
  OPTIONAL { ?x schema:startDate|mg:adoptionDate|mg:actDate|mg:establishedIn ?d }
} GROUP BY ?c ?x LIMIT 5001"""
)

CLASS_FACTS = (
    _PREFIXES
    + """SELECT ?c (SAMPLE(?l) AS ?label) (SAMPLE(?d) AS ?definition) WHERE {
  OPTIONAL { ?c rdfs:label ?l }
  OPTIONAL { ?c skos:definition ?d }
} GROUP BY ?c"""
)

CLASSES = """SELECT ?c (COUNT(DISTINCT ?x) AS ?instances) WHERE { ?x a ?c } GROUP BY ?c"""

LABELS = (
    _PREFIXES
    + """SELECT ?x (SAMPLE(?l) AS ?label) WHERE {
  ?x rdfs:label ?l .
  FILTER (STRSTARTS(STR(?x), "https://w3id.org/mgraph/id/"))
} GROUP BY ?x"""
)

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
PROV_SOURCE = "http://www.w3.org/ns/prov#wasDerivedFrom"


_ENVIRONMENT: Any = None


def render(template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A page from ``templates/``; Jinja2's autoescape escapes every value."""
    global _ENVIRONMENT
    if _ENVIRONMENT is None:
        import jinja2

        _ENVIRONMENT = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(TEMPLATES)),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        _ENVIRONMENT.globals["dataset_jsonld"] = wellknown.dataset_jsonld
    html = _ENVIRONMENT.get_template(template).render(**context)
    return HTMLResponse(html, status_code=status)


# --- terms for the templates -------------------------------------------------------------------


def term(binding: dict[str, str] | None, label: dict[str, str] | None = None) -> dict[str, Any]:
    """A term for a template: its text, where it links (a page of ours or the IRI) and its kind."""
    from mgraph.core.terms import compact_iri

    if binding is None:
        return {"text": "", "href": None, "kind": "none", "note": ""}
    value = binding["value"]
    if binding["type"] == "uri":
        text = label["value"] if label else compact_iri(value)
        return {
            "text": text,
            "href": local_href(value),
            "kind": "iri",
            "iri": value,
            "note": compact_iri(value) if label else "",
        }
    if binding["type"] == "bnode":
        return {"text": f"_:{value}", "href": None, "kind": "bnode", "note": ""}
    note = ""
    if binding.get("xml:lang"):
        note = "@" + binding["xml:lang"]
    elif binding.get("datatype") and not binding["datatype"].endswith("#string"):
        note = compact_iri(binding["datatype"])
    return {"text": value, "href": None, "kind": "literal", "note": note}


def local_href(iri: str) -> str | None:
    """Our page for an IRI of ours (an instance, an ontology class, or a property's entry of the
    vocabulary page), the IRI itself for an http(s) IRI, else None: an IRI such as
    ``javascript:...`` is shown, never made a link."""
    if iri.startswith(ID_BASE):
        return "/id/" + iri[len(ID_BASE) :]
    if iri.startswith(ONTOLOGY_BASE):
        local = iri[len(ONTOLOGY_BASE) :]
        if ontology_terms().get(iri, {}).get("kind") == "property":
            return "/ontology#" + local
        return "/class/" + local
    if iri.startswith(("http://", "https://")):
        return iri
    return None


def _valid_iri(iri: str) -> bool:
    """Whether the IRI may be bound as a term (a path may hold spaces, quotes or brackets)."""
    from mgraph.core.errors import InputError
    from mgraph.core.terms import check_iri

    try:
        check_iri(iri)
    except InputError:
        return False
    return True


def _predicate(binding: dict[str, str], label: dict[str, str] | None) -> dict[str, Any]:
    """A property: ours link to their entry of the vocabulary page, others link out."""
    shown = term(binding, label)
    if binding["value"].startswith(ONTOLOGY_BASE):
        shown["href"] = "/ontology#" + binding["value"][len(ONTOLOGY_BASE) :]
    return shown


@cache
def ontology_terms() -> dict[str, dict[str, str]]:
    """Our ontology's classes and properties: IRI -> name (compact), kind, label, definition."""
    from rdflib import OWL, RDF, RDFS, SKOS, URIRef

    from mgraph.core.ontology import load_ontology
    from mgraph.core.terms import compact_iri

    graph = load_ontology()
    kinds = {
        OWL.Class: "class",
        RDFS.Class: "class",
        OWL.ObjectProperty: "property",
        OWL.DatatypeProperty: "property",
        OWL.AnnotationProperty: "property",
        RDF.Property: "property",
    }
    out: dict[str, dict[str, str]] = {}
    for rdf_type, kind in kinds.items():
        for subject in graph.subjects(RDF.type, rdf_type):
            if not isinstance(subject, URIRef) or not str(subject).startswith(ONTOLOGY_BASE):
                continue
            iri = str(subject)
            label = graph.value(subject, RDFS.label)
            definition = graph.value(subject, SKOS.definition) or graph.value(subject, RDFS.comment)
            out.setdefault(
                iri,
                {
                    "name": compact_iri(iri),
                    "kind": kind,
                    "label": str(label) if label is not None else "",
                    "definition": " ".join(str(definition).split()) if definition is not None else "",
                },
            )
    return dict(sorted(out.items()))


def _sort_key(item: dict[str, Any]) -> tuple[str, ...]:
    return (item["predicate"]["text"].lower(), item["predicate"].get("iri", ""), item["value"]["text"])


# --- entity pages -------------------------------------------------------------------------------


async def entity_page(request: Request) -> Response:
    server: Server = request.app.state.server
    kind, ident = request.path_params["kind"], request.path_params["ident"]
    iri = f"{ID_BASE}{kind}/{ident}"
    if not _valid_iri(iri):
        return PlainTextResponse(f"Not found: {kind}/{ident} is not an id of this graph\n", status_code=404)
    try:
        chosen = negotiation.choose(
            HTML_TYPES, request.headers.get("accept"), request.query_params.get("format")
        )
        if chosen is None:
            offered = ", ".join(types[0] for types in HTML_TYPES.values())
            raise ProtocolError(406, f"Not Acceptable: this page can be sent as {offered}")
        exists = await select(server, EXISTS, {"s": iri})
        if not exists[0]["boolean"]:
            found = await _same_entity(server, kind, ident)
            if found is not None:
                target = local_href(found) or "/"
                if request.url.query:
                    target += "?" + request.url.query
                return RedirectResponse(target, status_code=308)
            return await _not_found(server, kind, ident, iri, chosen[0])
        if chosen[0] == "turtle":
            triples = await _describe(server, iri)
            return Response(entity_turtle(triples), media_type=negotiation.content_type("text/turtle"))
        if chosen[0] == "jsonld":
            from mgraph.core.serialize import jsonld_context, to_jsonld

            triples = await _describe(server, iri)
            body = to_jsonld(triples, jsonld_context())
            return Response(body, media_type=negotiation.content_type("application/ld+json"))
        if chosen[0] != "html":
            job = server.job(DESCRIBE, None, chosen[0])
            job.subs = {"s": iri}
            job.max_results = 0
            return await run_job(server, job)
        facts, incoming, claims = await asyncio.gather(
            select(server, FACTS, {"s": iri}),
            select(server, INCOMING, {"s": iri}),
            select(server, CLAIMS, {"s": iri}),
        )
        lang = negotiate(request.headers.get("accept-language"))
        names = await select(server, NAMES_AROUND, {"s": iri}) if lang != "en" else []
    except ProtocolError as err:
        return error_response(err)
    context = localise(_entity_context(iri, kind, ident, facts, incoming, claims), names, lang)
    response = render("entity.html", **context)
    response.headers["Content-Language"] = lang
    response.headers["Vary"] = "Accept, Accept-Language"
    return response


def entity_html(
    select_rows: Callable[[str, dict[str, str]], list[dict[str, Any]]], iri: str, lang: str = "en"
) -> str:
    """The HTML of the entity page of ``iri`` (one of ours), the same as ``mgraph serve`` sends,
    from ``select_rows(query, substitutions)``: a page query's JSON result bindings. The static
    site (:mod:`mgraph.site`) renders its pages through this."""
    kind, ident = iri[len(ID_BASE) :].split("/", 1)
    facts = select_rows(FACTS, {"s": iri})
    incoming = select_rows(INCOMING, {"s": iri})
    claims = select_rows(CLAIMS, {"s": iri})
    names = select_rows(NAMES_AROUND, {"s": iri}) if lang != "en" else []
    context = localise(_entity_context(iri, kind, ident, facts, incoming, claims), names, lang)
    return bytes(render("entity.html", **context).body).decode("utf-8")


def class_html(
    iri: str,
    instances: list[dict[str, Any]],
    about: list[dict[str, Any]],
    names: list[dict[str, Any]] | None = None,
    lang: str = "en",
) -> str:
    """The HTML of a class page from the rows of INSTANCES and CLASS_FACTS (as ``mgraph serve``),
    its instances named in ``lang`` where ``names`` (rows of CLASS_NAMES) give a name in it."""
    from mgraph.core.terms import compact_iri

    chosen: dict[str, str] = {}
    for row in names or ():
        if row["l"].get("xml:lang") == lang:
            x, text = row["x"]["value"], row["l"]["value"]
            chosen[x] = min(chosen.get(x, text), text)
    info = about[0] if about else {}
    known = ontology_terms().get(iri, {})
    items, order = _ordered_instances(instances[:MAX_LISTED])
    for item in items:
        if item.get("iri") in chosen:
            item["text"] = chosen[item["iri"]]
    local = iri[len(ONTOLOGY_BASE) :] if iri.startswith(ONTOLOGY_BASE) else ""
    page = render(
        "class.html",
        iri=iri,
        curie=compact_iri(iri),
        label=info.get("label", {}).get("value") or known.get("label") or compact_iri(iri),
        definition=info.get("definition", {}).get("value") or known.get("definition", ""),
        vocabulary=f"/ontology#{local}" if local else "",
        instances=items,
        order=order,
        more=len(instances) > MAX_LISTED,
    )
    return bytes(page.body).decode("utf-8")


def localise(context: dict[str, Any], names: list[dict[str, Any]], lang: str) -> dict[str, Any]:
    """An entity page's context with names in ``lang`` where ``names`` (rows of NAMES_AROUND)
    give one; English otherwise."""
    chosen: dict[str, str] = {}
    for row in names:
        if row["l"].get("xml:lang") == lang:
            iri, text = row["x"]["value"], row["l"]["value"]
            chosen[iri] = min(chosen.get(iri, text), text)
    if not chosen:
        return context

    def rename(item: dict[str, Any] | None) -> None:
        if item and item.get("iri") in chosen:
            item["text"] = chosen[item["iri"]]

    if context["iri"] in chosen:
        context["label"] = chosen[context["iri"]]
    for row in (*context["facts"], *context["incoming"], *context["claims"]):
        rename(row["value"])
    return context


def _entity_context(
    iri: str,
    kind: str,
    ident: str,
    facts: list[dict[str, Any]],
    incoming: list[dict[str, Any]],
    claims: list[dict[str, Any]],
) -> dict[str, Any]:
    from mgraph.core.terms import compact_iri

    label = ident
    classes, sources, rows = [], [], []
    for row in facts:
        predicate = row["p"]["value"]
        if predicate == "http://www.w3.org/2000/01/rdf-schema#label" and label == ident:
            label = row["o"]["value"]
        item = {
            "predicate": _predicate(row["p"], row.get("plabel")),
            "value": term(row["o"], row.get("olabel")),
        }
        if predicate == RDF_TYPE:
            value = row["o"]["value"]
            if value.startswith(ONTOLOGY_BASE):
                item["value"]["vocabulary"] = "/ontology#" + value[len(ONTOLOGY_BASE) :]
            classes.append(item["value"])
        elif predicate == PROV_SOURCE:
            sources.append(item["value"])
        else:
            rows.append(item)
    links = [
        {"predicate": _predicate(r["p"], r.get("plabel")), "value": term(r["x"], r.get("xlabel"))}
        for r in incoming[:MAX_LISTED]
    ]
    disputed = []
    for row in claims:
        disputed.append(
            {
                "claim": term(row["claim"]),
                "predicate": _predicate(row["p"], row.get("plabel")),
                "value": term(row["o"], row.get("olabel")),
                "disputed": row.get("disputed", {}).get("value") == "true",
                "preferred": row.get("preferred", {}).get("value"),
                "approximate": row.get("approximate", {}).get("value") == "true",
                "note": row.get("note", {}).get("value", ""),
                "source": term(row.get("source"), row.get("slabel")) if row.get("source") else None,
            }
        )
    return {
        "iri": iri,
        "curie": compact_iri(iri),
        "kind": kind,
        "ident": ident,
        "label": label,
        "classes": sorted(classes, key=lambda t: t["text"]),
        "facts": sorted(rows, key=_sort_key),
        "incoming": sorted(links, key=_sort_key),
        "incoming_more": len(incoming) > MAX_LISTED,
        "sources": sorted(sources, key=lambda t: (t["text"], t.get("iri", ""))),
        "claims": sorted(
            disputed,
            key=lambda c: (
                c["predicate"]["text"],
                c["value"]["text"],
                c["source"]["text"] if c["source"] else "",
            ),
        ),
    }


async def _describe(server: Server, iri: str) -> list[Any]:
    """The entity's triples (and its claims'), as pyoxigraph triples."""
    import pyoxigraph as ox

    reply = await construct(server, DESCRIBE, {"s": iri}, "ntriples")
    return sorted(
        ox.parse(reply.body, format=ox.RdfFormat.N_TRIPLES),
        key=lambda t: (str(t.subject), str(t.predicate), str(t.object)),
    )


def _slug(text: str) -> str:
    """A name as our ids write it: lower case, runs of other characters as one hyphen."""
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")


async def _labels(server: Server) -> list[tuple[str, str]]:
    if server.label_index is None:
        rows = await select(server, LABELS)
        server.label_index = sorted((r["x"]["value"], r["label"]["value"]) for r in rows)
    return server.label_index


async def _same_entity(server: Server, kind: str, ident: str) -> str | None:
    """The IRI of ours that ``kind/ident`` names when written differently (case, punctuation,
    ``MC-5/3`` for ``mc-5-3``), when exactly one does."""
    wanted_kind, wanted = _slug(kind), _slug(ident)
    if not wanted:
        return None
    hits = set()
    for iri, _ in await _labels(server):
        other_kind, _, other = iri[len(ID_BASE) :].partition("/")
        if other_kind != wanted_kind:
            continue
        if other == wanted or other.replace("-", "") == wanted.replace("-", ""):
            hits.add(iri)
    return hits.pop() if len(hits) == 1 else None


def _closest(index: list[tuple[str, str]], kind: str, ident: str) -> list[tuple[str, str]]:
    """The ids and labels closest to ``kind/ident``: by closeness of name, the same kind first."""
    wanted_kind, wanted = _slug(kind), _slug(ident)
    words = ident.replace("-", " ").casefold()
    scored = []
    for iri, label in index:
        other_kind, _, other = iri[len(ID_BASE) :].partition("/")
        name = max(
            difflib.SequenceMatcher(None, wanted, other).ratio(),
            difflib.SequenceMatcher(None, words, label.casefold()).ratio(),
        )
        if name < 0.5:
            continue
        same = difflib.SequenceMatcher(None, wanted_kind, other_kind).ratio()
        scored.append((-(name + 0.5 * same), iri, label))
    scored.sort()
    return [(iri, label) for _, iri, label in scored[:8]]


async def _not_found(server: Server, kind: str, ident: str, iri: str, fmt: str) -> Response:
    """404 with the closest ids and labels of the graph."""
    suggestions = _closest(await _labels(server), kind, ident)
    if fmt != "html":
        lines = [f"Not found: no entity <{iri}> in this graph."]
        lines += [f"Did you mean <{s[0]}> ({s[1]})?" for s in suggestions[:5]]
        return PlainTextResponse("\n".join(lines) + "\n", status_code=404)
    items = [{"href": local_href(s[0]), "text": s[1], "note": s[0][len(ID_BASE) :]} for s in suggestions[:8]]
    return render("notfound.html", status=404, iri=iri, suggestions=items)


# --- Turtle of an entity ------------------------------------------------------------------------

_LOCAL = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?$")
"""A local name Turtle takes as it is (no escapes): ``decision:mc-5-3``, never
``mgid:decision\\/mc-5-3``."""


def _turtle_prefixes() -> list[tuple[str, str]]:
    """Our prefixes and one per kind of record, longest namespace first."""
    from mgraph.core.serialize import turtle_prefixes

    return sorted(turtle_prefixes().items(), key=lambda item: (-len(item[1]), item[0]))


def entity_turtle(triples: list[Any]) -> bytes:
    """Turtle of an entity's triples: subjects in order, ``a`` for rdf:type, a prefixed name only
    where Turtle needs no escape, and only the prefixes used declared."""
    import pyoxigraph as ox

    prefixes = _turtle_prefixes()
    used: dict[str, str] = {}

    def iri(value: str) -> str:
        for prefix, namespace in prefixes:
            if value.startswith(namespace) and _LOCAL.match(value[len(namespace) :]):
                used[prefix] = namespace
                return f"{prefix}:{value[len(namespace) :]}"
        return f"<{value}>"

    def node(t: Any) -> str:
        if isinstance(t, ox.NamedNode):
            return iri(t.value)
        if isinstance(t, ox.BlankNode):
            return f"_:{t.value}"
        text = str(t)  # N-Triples form: "..."@en, "..."^^<datatype>, "..."
        if t.language or t.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
            return text.split("^^<http://www.w3.org/2001/XMLSchema#string>")[0]
        return text[: text.rindex("^^") + 2] + iri(t.datatype.value)

    blocks = []
    by_subject: dict[str, list[Any]] = {}
    for t in triples:
        by_subject.setdefault(str(t.subject), []).append(t)
    for group in by_subject.values():
        lines = []
        by_predicate: dict[str, list[str]] = {}
        for t in group:
            verb = "a" if t.predicate.value == RDF_TYPE else iri(t.predicate.value)
            by_predicate.setdefault(verb, []).append(node(t.object))
        for verb in sorted(by_predicate, key=lambda v: (v != "a", v)):
            lines.append(f"    {verb} {' , '.join(by_predicate[verb])}")
        blocks.append(node(group[0].subject) + "\n" + " ;\n".join(lines) + " .\n")
    header = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(used.items()))
    return (header + ("\n" if header else "") + "\n".join(blocks)).encode("utf-8")


# --- class pages ----------------------------------------------------------------------------------


async def class_page(request: Request) -> Response:
    from mgraph.core.errors import InputError
    from mgraph.core.terms import expand_curie

    server: Server = request.app.state.server
    name = request.path_params["name"]
    if name.startswith(("http://", "https://")):
        iri = name
    elif ":" in name:
        try:
            iri = expand_curie(name)
        except InputError as err:
            return PlainTextResponse(f"Unknown class {name!r}: {err}\n", status_code=404)
    else:
        iri = ONTOLOGY_BASE + name
    if not _valid_iri(iri):
        return PlainTextResponse(f"Unknown class {name!r}\n", status_code=404)
    lang = negotiate(request.headers.get("accept-language"))
    try:
        instances, about = await asyncio.gather(
            select(server, INSTANCES, {"c": iri}), select(server, CLASS_FACTS, {"c": iri})
        )
        names = await select(server, CLASS_NAMES, {"c": iri}) if lang != "en" and instances else []
    except ProtocolError as err:
        return error_response(err)
    info = about[0] if about else {}
    known = ontology_terms().get(iri, {})
    if not instances and not info.get("label") and not known:
        return render("notfound.html", status=404, iri=iri, suggestions=[])
    response = HTMLResponse(class_html(iri, instances, about, names, lang))
    response.headers["Content-Language"] = lang
    response.headers["Vary"] = "Accept, Accept-Language"
    return response


def _natural(text: str) -> tuple[Any, ...]:
    """Text with its numbers compared as numbers: MC-2/10 after MC-2/9."""
    return tuple(int(p) if p.isdigit() else p.casefold() for p in re.split(r"(\d+)", text))


def _ordered_instances(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], str]:
    """Instances by date when most have one, else by code when most have one, else by name;
    each with its date or code beside it. Returns the items and what they are ordered by."""
    items = []
    for row in rows:
        item = term(row["x"], row.get("label"))
        item["date"] = row.get("date", {}).get("value", "")
        item["code"] = row.get("code", {}).get("value", "")
        items.append(item)
    dated = sum(1 for i in items if i["date"])
    coded = sum(1 for i in items if i["code"])
    if dated and (dated * 2 >= len(items) or not coded):
        # the dated first, in time; then the others by code or id, numbers as numbers
        items.sort(
            key=lambda i: (not i["date"], i["date"], _natural(i["code"] or i.get("iri", "")), i["text"])
        )
        order = "date"
    elif coded:
        items.sort(key=lambda i: (not i["code"], _natural(i["code"]), i["text"].casefold(), i.get("iri", "")))
        order = "code"
    else:
        items.sort(key=lambda t: (t["text"].casefold(), t.get("iri", "")))
        order = "name"
    for item in items:
        item["note"] = " · ".join(x for x in (item["code"], item["date"]) if x) or item["note"]
    return items, order


async def class_index(request: Request) -> Response:
    """Every class with instances, and how many; ``/ontology#Decision`` lands on its entry."""
    from mgraph.core.terms import compact_iri

    server: Server = request.app.state.server
    try:
        rows = await select(server, CLASSES)
    except ProtocolError as err:
        return error_response(err)
    classes = []
    for row in rows:
        iri = row["c"]["value"]
        local = iri[len(ONTOLOGY_BASE) :] if iri.startswith(ONTOLOGY_BASE) else None
        href = f"/class/{local}" if local else "/class/" + compact_iri(iri)
        classes.append(
            {
                "iri": iri,
                "curie": compact_iri(iri),
                "href": href,
                "anchor": local or "",
                "count": int(row["instances"]["value"]),
            }
        )
    classes.sort(key=lambda c: (not c["anchor"], c["curie"].lower()))
    return render("classes.html", classes=classes)


# --- the query page ----------------------------------------------------------------------------------


def _library_entries() -> list[dict[str, Any]]:
    from mgraph.queries.library import ANY, REQUIRED, library

    entries = []
    for query in library().values():
        params = [
            {
                "name": p.name,
                "type": f"id:{p.kind}" if p.kind else p.type,
                "default": REQUIRED if p.required else (ANY if p.default is None else p.default),
                "doc": p.doc,
            }
            for p in query.params
        ]
        entries.append(
            {
                "name": query.name,
                "title": query.title,
                "question": query.question,
                "params": params,
                "examples": list(query.examples),
                "text": query.text,
            }
        )
    return entries


async def query_page(request: Request) -> Response:
    server: Server = request.app.state.server
    entries = await asyncio.to_thread(_library_entries)
    terms = await asyncio.to_thread(ontology_terms)
    editor = {
        "prefixes": dict(sorted(server.prefixes.items())),
        "terms": [{"name": t["name"], "kind": t["kind"], "label": t["label"]} for t in terms.values()],
        "idBase": ID_BASE,
        "ontologyBase": ONTOLOGY_BASE,
    }
    return render(
        "query.html",
        library=entries,
        editor=editor,
        description=server.dataset.description,
        triples=server.dataset.triples,
        timeout=server.config.timeout,
    )


async def library_query(request: Request) -> Response:
    """A library query's text with its parameters bound by the library's typed binding."""
    from mgraph.core.errors import InputError
    from mgraph.queries.binding import bind_params
    from mgraph.queries.library import library

    server: Server = request.app.state.server
    queries = await asyncio.to_thread(library)
    spec = queries.get(request.path_params["name"])
    if spec is None:
        return PlainTextResponse(f"No library query named {request.path_params['name']!r}\n", status_code=404)
    values = {k: v for k, v in request.query_params.items() if v.strip()}
    adapter = PoolStore(server, asyncio.get_running_loop())
    try:
        bindings = await asyncio.to_thread(bind_params, spec, values, adapter)
    except InputError as err:
        return PlainTextResponse("\n".join(err.messages) + "\n", status_code=400)
    return PlainTextResponse(bind_values(spec.text, bindings))


ROUTES = [  # the paths this module answers, in the order they are tried
    Route("/", query_page, methods=["GET"]),
    Route("/library/{name}", library_query, methods=["GET"]),
    Route("/id/{kind}/{ident:path}", entity_page, methods=["GET"]),
    Route("/class", class_index, methods=["GET"]),
    Route("/class/{name:path}", class_page, methods=["GET"]),
]
