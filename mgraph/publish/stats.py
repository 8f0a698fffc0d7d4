"""Counts and coverage figures of the graph, for ``mgraph stats`` and the release notes.

Every figure is a SPARQL query over the loaded graph, so the numbers mean exactly what the
queries below say, and the same queries can be run against the published SPARQL endpoint.
Coverage figures are "n of N" where N is what a source reports (the convention's reported
number of Parties), so a reader sees how much of the real world the curated data covers.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any, TypedDict, cast

from rdflib import Graph, URIRef

from mgraph.core.errors import InputError
from mgraph.core.namespaces import MG, MGID
from mgraph.core.terms import compact_iri

if TYPE_CHECKING:
    from mgraph.core.loader import KnowledgeGraph
    from mgraph.core.store import Store

CLASS_PREFIXES = ("mg", "schema", "org", "skos")
"""Classes counted in ``classes``: our vocabulary and the vocabularies it reuses for records."""

DEPOSIT_CLASSES = (
    "mg:DepositOfInstrument",
    "mg:Ratification",
    "mg:Acceptance",
    "mg:Approval",
    "mg:Accession",
    "mg:Deposit",
)
"""Acts that make a State or REIO a Party. Listed, not only inferred, so the figures do not
depend on the ontology's subclass axioms being present."""

PARTY_CLASSES = ("mg:State", "mg:RegionalEconomicIntegrationOrganisation")

DECISION_CODE_REGEX = r"^MC-[1-9][0-9]*/[1-9][0-9]*$"


# ---------------------------------------------------------------------------------------- results
# What ``stats`` returns: plain dicts (JSON as they are), typed key by key. Keys come in the order
# ``mgraph stats --format json`` writes them.


class RecordCounts(TypedDict):
    total: int
    with_source: int
    without_source: int


class FactCounts(TypedDict):
    total: int
    from_sourced_records: int
    from_unsourced_records: int


class ClaimCounts(TypedDict):
    total: int
    disputed: int
    approximate: int


class PartyCounts(TypedDict):
    """Parties of one convention; ``reported_*`` are a source's figures (None when none is given)."""

    convention: str
    convention_name: str | None
    total: int
    with_exact_deposit_date: int
    with_approximate_deposit_date_only: int
    without_deposit_date: int
    reported_total: int | None
    reported_as_of: str | None
    signatories: int
    reported_signatories: int | None


class DecisionCounts(TypedDict):
    total: int
    with_code: int
    linked_to_meeting: int


class MeetingCounts(TypedDict):
    total: int
    with_start_date: int
    with_place: int


class AreaCounts(TypedDict):
    total: int
    with_lead: int


class ProvisionCounts(TypedDict):
    articles: int
    annexes: int


class Reported(TypedDict):
    """A figure a source reports and the date it is reported for (None when not given)."""

    value: int | None
    as_of: str | None


class Stats(TypedDict):
    """Every figure of ``mgraph stats``; ``classes`` and ``predicates`` map compact names to counts."""

    triples: int
    records_by_kind: dict[str, int]
    classes: dict[str, int]
    predicates: dict[str, int]
    records: RecordCounts
    facts: FactCounts
    claims: ClaimCounts
    parties: PartyCounts
    decisions: DecisionCounts
    meetings: MeetingCounts
    cop_sessions: MeetingCounts
    partnership_areas: AreaCounts
    provisions: ProvisionCounts


def _record_filter(var: str) -> str:
    """SPARQL filter: ``var`` is a curated record that needs a source.

    Not a claim, not the topic scheme, and not a source document: sources are where provenance
    ends, as in the shapes (RecordShape does not target mg:SourceDocument).
    """
    return (
        f'FILTER(isIRI({var}) && STRSTARTS(STR({var}), "{MGID}") '
        f'&& !STRSTARTS(STR({var}), "{MGID}claim/") && !STRSTARTS(STR({var}), "{MGID}source/") '
        f'&& STR({var}) != "{MGID}scheme/topics")'
    )


Q_CLASSES = """
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class . FILTER(isIRI(?class)) }
GROUP BY ?class
"""

Q_PREDICATES = """
SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p
"""

Q_RECORD_FACTS = f"""
SELECT ?s (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o . {_record_filter("?s")} }} GROUP BY ?s
"""

Q_SOURCED_RECORDS = f"""
SELECT DISTINCT ?s WHERE {{ ?s prov:wasDerivedFrom ?source . {_record_filter("?s")} }}
"""

Q_CLAIMS = """
SELECT (COUNT(DISTINCT ?c) AS ?total) (COUNT(DISTINCT ?d) AS ?disputed)
       (COUNT(DISTINCT ?a) AS ?approximate) WHERE {
  ?c a mg:Claim .
  OPTIONAL { ?c mg:disputed true . BIND(?c AS ?d) }
  OPTIONAL { ?c mg:approximate true . BIND(?c AS ?a) }
}
"""

Q_PARTIES = f"""
SELECT ?party (COUNT(DISTINCT ?exact) AS ?has_exact) (COUNT(DISTINCT ?approx) AS ?has_approx)
WHERE {{
  VALUES ?pc {{ {" ".join(PARTY_CLASSES)} }}
  VALUES ?dc {{ {" ".join(DEPOSIT_CLASSES)} }}
  ?party a ?pc .
  ?act a ?dc ; mg:actor ?party ; mg:ofConvention ?convention .
  OPTIONAL {{ ?act mg:actDate ?d . FILTER(DATATYPE(?d) = xsd:date) BIND(?act AS ?exact) }}
  OPTIONAL {{ ?claim rdf:subject ?act ; rdf:predicate mg:actDate ; mg:approximate true .
             BIND(?act AS ?approx) }}
}}
GROUP BY ?party
"""

Q_SIGNATORIES = f"""
SELECT (COUNT(DISTINCT ?party) AS ?n) WHERE {{
  VALUES ?pc {{ {" ".join(PARTY_CLASSES)} }}
  ?party a ?pc .
  ?act a mg:Signature ; mg:actor ?party ; mg:ofConvention ?convention .
}}
"""

Q_ASSERTED = """
SELECT ?value WHERE { ?convention ?predicate ?value }
"""

Q_CLAIMED = """
SELECT ?value ?as_of ?preferred WHERE {
  ?claim rdf:subject ?convention ; rdf:predicate ?predicate ; rdf:object ?value .
  OPTIONAL { ?claim dcterms:valid ?as_of }
  OPTIONAL { ?claim mg:preferred ?preferred }
}
"""

Q_LABEL = """
SELECT (MIN(STR(?label)) AS ?name) WHERE { ?convention rdfs:label ?label }
"""

Q_DECISIONS = f"""
SELECT (COUNT(DISTINCT ?d) AS ?total) (COUNT(DISTINCT ?coded) AS ?with_code)
       (COUNT(DISTINCT ?linked) AS ?linked_to_meeting) WHERE {{
  ?d a mg:Decision .
  OPTIONAL {{ ?d dcterms:identifier ?code . FILTER(REGEX(STR(?code), "{DECISION_CODE_REGEX}"))
             BIND(?d AS ?coded) }}
  OPTIONAL {{ ?d mg:adoptedAt ?m . ?m a mg:Meeting . BIND(?d AS ?linked) }}
}}
"""

Q_MEETINGS = """
SELECT (COUNT(DISTINCT ?m) AS ?total) (COUNT(DISTINCT ?dated) AS ?with_start_date)
       (COUNT(DISTINCT ?placed) AS ?with_place) WHERE {
  ?m a ?class .
  OPTIONAL { ?m schema:startDate ?start . BIND(?m AS ?dated) }
  OPTIONAL { ?m schema:location ?place . BIND(?m AS ?placed) }
}
"""

Q_AREAS = """
SELECT (COUNT(DISTINCT ?a) AS ?total) (COUNT(DISTINCT ?led) AS ?with_lead) WHERE {
  ?a a mg:PartnershipArea .
  OPTIONAL { VALUES ?role { mg:Lead mg:CoLead }
             ?r a mg:RoleHolding ; org:role ?role ; org:organization ?a . BIND(?a AS ?led) }
}
"""

Q_COUNT = """
SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class }
"""


def stats(kg: KnowledgeGraph | None = None) -> Stats:
    """Counts, sources and coverage figures of a loaded graph (default: the curated data).

    >>> import mgraph
    >>> figures = mgraph.stats(mgraph.load("tests/fixtures/data/good"))
    >>> figures["triples"], figures["records"]["total"], figures["records"]["without_source"]
    (364, 32, 0)
    >>> figures["parties"]["total"], figures["parties"]["with_exact_deposit_date"]
    (2, 1)
    """
    if kg is None:
        from mgraph.core.loader import load

        kg = load()
    return compute_stats(kg.graph)


def records_by_kind(graph: Graph) -> dict[str, int]:
    """Curated records per kind, counted by their IRI (``mgid:<kind>/...``): the one count shared
    by ``mgraph build``'s summary and ``mgraph stats``. ``source`` counts the records of
    sources.yaml (not the documents cited by URL); ``partnership-area`` every record of
    partnership_areas.yaml (areas, cross-cutting groups, the advisory group).
    """
    from mgraph.core.schema import kinds

    base = str(MGID)
    subjects = {str(s) for s in graph.subjects(unique=True) if str(s).startswith(base)}
    counts: dict[str, int] = {k.name: 0 for k in kinds()}
    for iri in subjects:
        kind = iri[len(base) :].split("/", 1)[0]
        if kind in counts:
            counts[kind] += 1
    return counts


def compute_stats(graph: Graph, convention: str = "minamata") -> Stats:
    """Every figure of ``mgraph stats`` as a plain, JSON-able dict in a fixed key order.

    ``convention`` is the id of the convention whose Parties and signatories are counted.
    """
    conv = URIRef(f"{MGID}convention/{convention}")
    store = to_store(graph)
    facts_per_record = {row["s"]: row["n"] for row in _query(store, Q_RECORD_FACTS)}
    sourced = {row["s"] for row in _query(store, Q_SOURCED_RECORDS)}
    facts_total = sum(facts_per_record.values())
    facts_sourced = sum(n for s, n in facts_per_record.items() if s in sourced)
    return {
        "triples": len(graph),
        "records_by_kind": records_by_kind(graph),
        "classes": _counts(store, Q_CLASSES, "class", CLASS_PREFIXES),
        "predicates": _counts(store, Q_PREDICATES, "p", None),
        "records": {
            "total": len(facts_per_record),
            "with_source": len(sourced),
            "without_source": len(facts_per_record) - len(sourced),
        },
        "facts": {
            "total": facts_total,
            "from_sourced_records": facts_sourced,
            "from_unsourced_records": facts_total - facts_sourced,
        },
        "claims": cast(ClaimCounts, _row(store, Q_CLAIMS)),
        "parties": _parties(store, conv, convention),
        "decisions": cast(DecisionCounts, _row(store, Q_DECISIONS)),
        "meetings": cast(MeetingCounts, _row(store, Q_MEETINGS, {"class": MG.Meeting})),
        "cop_sessions": cast(MeetingCounts, _row(store, Q_MEETINGS, {"class": MG.ConferenceOfTheParties})),
        "partnership_areas": cast(AreaCounts, _row(store, Q_AREAS)),
        "provisions": {
            "articles": _row(store, Q_COUNT, {"class": MG.Article})["n"],
            "annexes": _row(store, Q_COUNT, {"class": MG.Annex})["n"],
        },
    }


def to_store(graph: Graph) -> Store:
    """The graph in an in-memory pyoxigraph store, whose SPARQL engine is far faster than rdflib's."""
    from mgraph.core.store import from_graph

    return from_graph(graph, "oxigraph")


def _query(store: Store, query: str, bindings: dict[str, URIRef] | None = None) -> list[dict[str, Any]]:
    """Rows of ``query`` as dicts of plain values: int for integers, else the value's text.

    Bindings are IRIs bound by the store as terms (never pasted into the text); our prefixes
    are known to the store.
    """
    terms = {name: URIRef(str(iri)) for name, iri in (bindings or {}).items()}
    rows = store.select(query, terms)
    return [{name: _plain(value) for name, value in row.items()} for row in rows]


def _plain(value: Any) -> int | str | None:
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _row(store: Store, query: str, bindings: dict[str, URIRef] | None = None) -> dict[str, int]:
    """The single row of an aggregate query, unbound values as 0."""
    rows = _query(store, query, bindings)
    return {name: value or 0 for name, value in rows[0].items()}


def _counts(store: Store, query: str, var: str, prefixes: tuple[str, ...] | None) -> dict[str, int]:
    """IRI -> count as compact names, most frequent first, ties by name (deterministic)."""
    counts: dict[str, int] = {}
    for row in _query(store, query):
        name = compact_iri(row[var])
        if prefixes is not None and name.split(":", 1)[0] not in prefixes:
            continue
        counts[name] = row["n"]
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _parties(store: Store, conv: URIRef, convention: str) -> PartyCounts:
    """Parties (States/REIOs with a deposited instrument) by the kind of deposit date known."""
    rows = _query(store, Q_PARTIES, {"convention": conv})
    exact = sum(1 for r in rows if r["has_exact"])
    approx = sum(1 for r in rows if not r["has_exact"] and r["has_approx"])
    parties_reported = reported(store, conv, MG.reportedPartyCount)
    signatories_reported = reported(store, conv, MG.reportedSignatoryCount)
    name = _query(store, Q_LABEL, {"convention": conv})[0]["name"]
    return {
        "convention": convention,
        "convention_name": name,
        "total": len(rows),
        "with_exact_deposit_date": exact,
        "with_approximate_deposit_date_only": approx,
        "without_deposit_date": len(rows) - exact - approx,
        "reported_total": parties_reported["value"],
        "reported_as_of": parties_reported["as_of"],
        "signatories": _row(store, Q_SIGNATORIES, {"convention": conv})["n"],
        "reported_signatories": signatories_reported["value"],
    }


def reported(store: Store, subject: URIRef, predicate: URIRef) -> Reported:
    """The newest figure a source reports for ``predicate``, from the fact or its claims.

    Figures are dated by their claim's structured ``as_of`` date (``dcterms:valid``), never by a
    date found in free text. The latest date wins, a date known only to the month or year counting
    from its first day ("2025-11" is later than "2025-10-27"); undated figures rank below dated
    ones; among equals the asserted value, then the preferred side of a conflict, then the larger
    value wins. ``{"value": None, "as_of": None}`` when no figure is given.
    """
    bindings = {"convention": subject, "predicate": predicate}
    asserted = {row["value"] for row in _query(store, Q_ASSERTED, bindings)}
    candidates = [
        (row["value"], row["as_of"] or "", row["preferred"] not in ("false", "0"))
        for row in _query(store, Q_CLAIMED, bindings)
    ]
    candidates += [(value, "", True) for value in asserted]
    best: tuple[str, bool, bool, int, str] | None = None
    for value, as_of, preferred in candidates:
        if not isinstance(value, int):
            continue
        key = (_day_key(as_of), value in asserted, preferred, value, as_of)
        if best is None or key > best:
            best = key
    if best is None:
        return {"value": None, "as_of": None}
    return {"value": best[3], "as_of": best[4] or None}


def _day_key(date: str) -> str:
    """An ISO date of any precision as the text of its first day ("2017" -> "2017-01-01")."""
    return date + "-01-01"[len(date) - 4 :] if date else ""


# ------------------------------------------------------------------------------------ rendering


def render_stats(stats: Stats, fmt: str = "table", width: int | None = None) -> str:
    """``json``: the dict itself, indented; ``table``: aligned text for a terminal, in ``width``
    columns when given."""
    if fmt == "json":
        return json.dumps(stats, indent=2, ensure_ascii=False) + "\n"
    if fmt != "table":
        raise InputError(f"unknown stats format {fmt!r}; use 'table' or 'json'")
    return _table(stats, width)


def _of(n: int, total: int | None) -> str:
    return f"{n} of {total}" if total is not None else str(n)


def _table(s: Stats, width: int | None = None) -> str:
    from mgraph.core.tables import render, wrap

    p = s["parties"]
    rec, facts, claims = s["records"], s["facts"], s["claims"]
    dec, meet, cop = s["decisions"], s["meetings"], s["cop_sessions"]
    areas, prov = s["partnership_areas"], s["provisions"]
    as_of = f" (reported total as of {p['reported_as_of']})" if p["reported_as_of"] else ""
    sections: list[tuple[str, list[tuple[str, str]]]] = [
        (
            "Graph",
            [
                ("triples", str(s["triples"])),
                ("records", str(rec["total"])),
                ("records with a source", _of(rec["with_source"], rec["total"])),
                ("records without a source", str(rec["without_source"])),
                ("source documents cited (mg:SourceDocument)", str(s["classes"].get("mg:SourceDocument", 0))),
                ("facts (triples about records)", str(facts["total"])),
                ("facts from sourced records", _of(facts["from_sourced_records"], facts["total"])),
                ("facts from unsourced records", str(facts["from_unsourced_records"])),
                ("claims", str(claims["total"])),
                ("claims disputed", str(claims["disputed"])),
                ("claims approximate", str(claims["approximate"])),
            ],
        ),
        (
            f"Parties: {p['convention_name'] or p['convention']}{as_of}",
            [
                ("Parties (deposited an instrument)", _of(p["total"], p["reported_total"])),
                ("with an exact deposit date", _of(p["with_exact_deposit_date"], p["reported_total"])),
                (
                    "with an approximate deposit date only",
                    _of(p["with_approximate_deposit_date_only"], p["reported_total"]),
                ),
                ("without a deposit date", str(p["without_deposit_date"])),
                ("signatories", _of(p["signatories"], p["reported_signatories"])),
            ],
        ),
        (
            "Decisions and meetings",
            [
                ("decisions", str(dec["total"])),
                ("decisions with a code (MC-x/y)", _of(dec["with_code"], dec["total"])),
                ("decisions linked to a meeting", _of(dec["linked_to_meeting"], dec["total"])),
                ("meetings", str(meet["total"])),
                ("meetings with a start date", _of(meet["with_start_date"], meet["total"])),
                ("meetings with a place", _of(meet["with_place"], meet["total"])),
                ("COP sessions (all conventions)", str(cop["total"])),
                ("COP sessions with dates", _of(cop["with_start_date"], cop["total"])),
                ("COP sessions with a place", _of(cop["with_place"], cop["total"])),
            ],
        ),
        (
            "Partnership and treaty text",
            [
                ("partnership areas (mg:PartnershipArea)", str(areas["total"])),
                ("partnership areas with a lead or co-lead", _of(areas["with_lead"], areas["total"])),
                ("articles", str(prov["articles"])),
                ("annexes", str(prov["annexes"])),
            ],
        ),
        (
            "Records by kind (as mgraph build counts them)",
            [(k, str(v)) for k, v in s["records_by_kind"].items() if v],
        ),
        ("Instances by class", [(k, str(v)) for k, v in s["classes"].items()]),
        ("Triples by predicate", [(k, str(v)) for k, v in s["predicates"].items()]),
    ]
    labels = max(len(label) for _, rows in sections for label, _ in rows)
    values = max(len(value) for _, rows in sections for _, value in rows)
    lines: list[str] = []
    for title, rows in sections:
        heading = wrap(title, width) if width else [title]
        lines += [*heading, "-" * max(len(line) for line in heading)]
        table = render(
            ["", ""],
            [list(row) for row in rows],
            width=None if width is None else width - 2,
            header=False,
            right=[1],
            at_least=[labels, values],
        )
        lines += ["  " + line for line in table.splitlines()]
        lines.append("")
    return "\n".join(lines)
