"""Short names are valid SPARQL: every one the command line prints parses and selects the same
entity on both engines, with no PREFIX line.

One prefix per record kind (``meeting:cop-5``, ``decision:mc-5-3``, ``country:bfa``) sits in the
one prefix table, :data:`mgraph.core.namespaces.PREFIXES`; :func:`mgraph.core.terms.compact_iri` writes a
prefixed name only when its local part is a valid PN_LOCAL, else the full IRI.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from paths import FIXTURE

from mgraph.core.namespaces import INSTANCE_KINDS, MGID, PREFIXES
from mgraph.core.schema import kinds
from mgraph.core.store import ENGINES, Rows, from_file
from mgraph.core.terms import PN_LOCAL, compact_iri, expand_curie

SHORT = re.compile(r"(?<![\w<\"'/:@.-])([a-z][\w.-]*):([^\s|,;()\[\]<>\"]+)")
"""A prefixed name in printed text (the local part runs to a space or punctuation)."""

_STORES: dict = {}


def store(engine: str):
    if engine not in _STORES:
        _STORES[engine] = from_file(FIXTURE, engine)
    return _STORES[engine]


def mgraph(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "mgraph", *args], capture_output=True, text=True, check=False, timeout=300
    )
    assert done.returncode in (0, 1), done.stderr
    return done.stdout


def printed_short_names(tmp: Path) -> set[str]:
    """Short names in what the command line prints: tables (markdown shows every column),
    search results and CONSTRUCT output as Turtle."""
    graph = ("--graph", str(FIXTURE))
    outputs = [
        mgraph("query", name, *graph, "--format", fmt, "--width", "200")
        for name in ("decisions-by-meeting", "legal-acts", "posts-held", "disputed-facts", "cop-timeline")
        for fmt in ("table", "markdown")
    ]
    outputs.append(mgraph("search", "mercury", "--graph", str(FIXTURE), "--width", "200"))
    outputs.append(mgraph("query", "entity-links", *graph, "--param", "entity=cop-5", "--format", "markdown"))
    construct = tmp / "construct.rq"
    construct.write_text("CONSTRUCT { ?d ?p ?o } WHERE { ?d mg:adoptedAt meeting:cop-5 ; ?p ?o }")
    outputs.append(mgraph("query", str(construct), *graph))
    names = set()
    for text in outputs:
        for line in text.splitlines():
            if line.startswith("@prefix"):
                continue
            for prefix, local in SHORT.findall(line):
                if prefix in PREFIXES and PN_LOCAL.fullmatch(local.rstrip(".")):
                    names.add(f"{prefix}:{local.rstrip('.')}")
    return names


@pytest.fixture(scope="module")
def names(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    found = sorted(printed_short_names(tmp_path_factory.mktemp("short-names")))
    kinds = {n.split(":", 1)[0] for n in found}
    assert {"meeting", "decision", "country", "mg"} <= kinds, kinds  # the test reads real output
    return found


@pytest.mark.parametrize("engine", [pytest.param(e, id=e) for e in ENGINES])
def test_every_printed_short_name_selects_its_entity(names: list[str], engine: str) -> None:
    """One query with every printed name, no PREFIX line: each is the IRI it stands for, and
    each record it names is in the graph."""
    rows = store(engine).query(f"SELECT ?x WHERE {{ VALUES ?x {{ {' '.join(names)} }} }}")
    assert isinstance(rows, Rows)
    assert [r["x"] for r in rows] == [expand_curie(n) for n in names]
    records = [n for n in names if n.split(":", 1)[0] in INSTANCE_KINDS]
    found = store(engine).query(
        f"SELECT ?x WHERE {{ VALUES ?x {{ {' '.join(records)} }} FILTER EXISTS {{ ?x ?p ?o }} }}"
    )
    assert isinstance(found, Rows)
    assert sorted(r["x"] for r in found) == sorted(expand_curie(n) for n in records)


def test_engines_agree_on_the_entity_of_each_name(names: list[str]) -> None:
    records = [n for n in names if n.split(":", 1)[0] in INSTANCE_KINDS][:200]
    query = (
        f"SELECT ?x ?label WHERE {{ VALUES ?x {{ {' '.join(records)} }} "
        "OPTIONAL { ?x rdfs:label ?label } } ORDER BY ?x ?label"
    )
    answers = [store(engine).query(query) for engine in ENGINES]
    assert answers[0] == answers[1] and len(answers[0]) >= len(records)


@pytest.mark.parametrize(
    ("iri", "short"),
    [
        pytest.param(f"{MGID}meeting/cop-5", "meeting:cop-5", id="meeting"),
        pytest.param(f"{MGID}decision/mc-5-3", "decision:mc-5-3", id="decision"),
        pytest.param(f"{MGID}country/bfa", "country:bfa", id="country"),
        pytest.param(f"{MGID}legal-act/bfa-accession", "legal-act:bfa-accession", id="hyphenated-kind"),
        pytest.param(f"{MGID}event/2019-webinar", "event:2019-webinar", id="starts-with-digits"),
        pytest.param(f"{MGID}claim/a.b.1", f"{MGID}claim/a.b.1", id="dots-fall-back"),
        pytest.param(f"{MGID}meeting/cop-5/extra", f"{MGID}meeting/cop-5/extra", id="slash-falls-back"),
        pytest.param(f"{MGID}meeting/ends.", f"{MGID}meeting/ends.", id="final-dot-falls-back"),
        pytest.param(f"{MGID}other/x", f"{MGID}other/x", id="unknown-kind-falls-back"),
        pytest.param("https://w3id.org/mgraph/ontology#Decision", "mg:Decision", id="vocabulary"),
    ],
)
def test_compaction(iri: str, short: str) -> None:
    assert compact_iri(iri) == short
    if short != iri:
        assert expand_curie(short) == iri


@pytest.mark.parametrize("engine", [pytest.param(e, id=e) for e in ENGINES])
@pytest.mark.parametrize(
    "local",
    [
        pytest.param("2019-webinar", id="starts-with-digits"),
        pytest.param("x_y-z", id="underscore-hyphen"),
    ],
)
def test_unusual_ids_parse_on_both_engines(tmp_path: Path, engine: str, local: str) -> None:
    """A short name with a local part that is valid PN_LOCAL but unusual selects its entity."""
    graph = tmp_path / "g.nt"
    graph.write_text(f'<{MGID}event/{local}> <http://www.w3.org/2000/01/rdf-schema#label> "it" .\n')
    short = compact_iri(f"{MGID}event/{local}")
    assert short == f"event:{local}"
    rows = from_file(graph, engine).query(f"SELECT ?l WHERE {{ {short} rdfs:label ?l }}")
    assert isinstance(rows, Rows) and [r["l"] for r in rows] == ["it"]


@pytest.mark.parametrize("engine", [pytest.param(e, id=e) for e in ENGINES])
def test_an_escaped_slash_means_the_same_on_both_engines(engine: str) -> None:
    """``mgid:meeting\\/cop-5`` is the IRI .../meeting/cop-5 (SPARQL drops the backslash;
    rdflib kept it, and found nothing)."""
    rows = store(engine).query("SELECT ?l WHERE { mgid:meeting\\/cop-5 rdfs:label ?l }")
    short = store(engine).query("SELECT ?l WHERE { meeting:cop-5 rdfs:label ?l }")
    assert isinstance(rows, Rows) and rows and rows == short


def test_every_record_kind_has_its_prefix() -> None:
    missing = sorted({k.name for k in kinds()} - set(INSTANCE_KINDS))
    assert missing == [], "add to INSTANCE_KINDS in mgraph/core/namespaces.py"
    for kind in INSTANCE_KINDS:
        assert str(PREFIXES[kind]) == f"{MGID}{kind}/"


def test_construct_output_uses_short_names(tmp_path: Path) -> None:
    query = tmp_path / "c.rq"
    query.write_text("CONSTRUCT { ?m rdfs:label ?l } WHERE { BIND (meeting:cop-5 AS ?m) ?m rdfs:label ?l }")
    out = mgraph("query", str(query), "--graph", str(FIXTURE))
    assert "meeting:cop-5 " in out and "mgid:meeting" not in out.replace("@prefix mgid:", "")
