"""The query library: headers, expected rows on a fixture graph, parameters, the CLI.

Expected rows live in ``tests/queries/expected/<query>.yaml``: a list of cases, each with the
parameters it runs with, the graph (``fixture`` or ``bad``) and the rows it must return, in order.
The parameters are written by hand; after changing a query or the fixture, rewrite the rows with
``MGRAPH_REGENERATE=1 pytest tests/test_queries.py`` and review the diff before committing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import shlex
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from paths import EXPECTED, FIXTURE, FIXTURE_DATA, QUERY_TESTS
from rdflib import Graph, Literal

from mgraph import cli
from mgraph.core.errors import InputError
from mgraph.core.loader import load
from mgraph.core.locations import QUERIES
from mgraph.core.store import from_file
from mgraph.queries.binding import bind_params
from mgraph.queries.library import get_query, library, parse_query
from mgraph.queries.query import run, to_dataframe
from mgraph.queries.render import format_rows, list_rows

BAD = QUERY_TESTS / "bad.ttl"
REGENERATE = os.environ.get("MGRAPH_REGENERATE") == "1"
GRAPHS = {"fixture": FIXTURE, "bad": BAD}
LIBRARY = library()


def normalise(value):
    """Rows as the expected files spell them: compact IRIs (records as ``mgid:kind/id``), ISO
    dates, exact decimals as text."""
    from mgraph.core.namespaces import MGID
    from mgraph.core.terms import compact_iri as compact

    if isinstance(value, str) and value.startswith(str(MGID)):
        return "mgid:" + value[len(str(MGID)) :]
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, str) and re.match(r"^https?://", value):
        return compact(value)
    return value


def rows_of(rows) -> list[dict]:
    return [{k: normalise(v) for k, v in row.items()} for row in rows]


def cases(name: str) -> list[dict]:
    path = EXPECTED / f"{name}.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else []


def store(graph: str = "fixture", engine: str = "oxigraph"):
    return _stores(graph, engine)


_CACHE: dict = {}


def _stores(graph: str, engine: str):
    key = (graph, engine)
    if key not in _CACHE:
        _CACHE[key] = from_file(GRAPHS[graph], engine)
    return _CACHE[key]


def all_cases() -> list:
    out = []
    for name in LIBRARY:
        for number, case in enumerate(cases(name), start=1):
            out.append(pytest.param(name, case, id=f"{name}-{number}"))
    return out


# --- the fixture ---------------------------------------------------------------------------


def test_fixture_is_the_loader_output():
    """fixture.ttl is exactly what the loader makes of tests/queries/data: same shape as data/."""
    loaded = load(FIXTURE_DATA).graph
    if REGENERATE:
        header = (
            "# Generated from tests/queries/data/*.yaml by mgraph.load(); do not edit.\n"
            "# Regenerate: MGRAPH_REGENERATE=1 pytest tests/test_queries.py\n"
        )
        FIXTURE.write_text(header + loaded.serialize(format="turtle"), encoding="utf-8")
    on_disk = Graph().parse(FIXTURE, format="turtle")
    assert _canonical(on_disk) == _canonical(loaded), "fixture.ttl is stale: regenerate it"


def _canonical(graph: Graph) -> set:
    """Triples compared by value, so 45262295 and 45262295.0 (both xsd:decimal) are equal."""
    return {
        (s, p, (o.toPython(), o.datatype, o.language) if isinstance(o, Literal) else o) for s, p, o in graph
    }


# --- the library ---------------------------------------------------------------------------


def test_library_size_and_required_queries():
    assert len(LIBRARY) >= 30
    assert "disputed-facts" in LIBRARY
    checks = [n for n in LIBRARY if n.endswith("-violation")]
    assert {
        "records-without-sources-violation",
        "meetings-without-dates-violation",
        "dangling-links-violation",
    } <= set(checks)


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_header(name):
    query = LIBRARY[name]
    assert query.title and query.title != name, "a '# title:' line"
    assert "?" in query.question, "a question"
    assert query.examples, "an '# example:' line"
    for example in query.examples:
        words = shlex.split(example)
        assert words[:3] == ["mgraph", "query", name]
        given = {words[i + 1].split("=", 1)[0] for i, w in enumerate(words) if w == "--param"}
        assert given <= {p.name for p in query.params}
        assert {p.name for p in query.params if p.required} <= given
    assert re.search(r"\bORDER\s+BY\b", query.text, re.IGNORECASE), "ORDER BY for stable output"
    assert re.search(r"^SELECT\b", query.text, re.MULTILINE), "a SELECT query"
    for param in query.params:
        assert re.search(rf"\?{param.name}\b", query.text), f"?{param.name} is used"


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_every_query_has_cases(name):
    found = cases(name)
    if REGENERATE and not found:
        pytest.skip("no cases yet")
    assert found, f"write tests/queries/expected/{name}.yaml"
    if name.endswith("-violation"):
        assert any(c.get("graph", "fixture") == "fixture" and not c["rows"] for c in found)
        assert any(c.get("graph") == "bad" and c["rows"] for c in found)
    else:
        assert all(c["rows"] for c in found), "every case returns rows on the fixture"


@pytest.mark.parametrize(("name", "case"), all_cases())
def test_expected_rows(name, case):
    rows = rows_of(run(name, case.get("params") or {}, store=store(case.get("graph", "fixture"))))
    if REGENERATE:
        _rewrite(name, case, rows)
        return
    assert rows == case["rows"]


def _rewrite(name: str, case: dict, rows: list[dict]) -> None:
    path = EXPECTED / f"{name}.yaml"
    data = cases(name)
    for item in data:
        if item.get("params") == case.get("params") and item.get("graph") == case.get("graph"):
            item["rows"] = rows
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8")


# --- parameters ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "params", "message"),
    [
        pytest.param("parties-in-period", {"from": "2023-02-30"}, "not a date", id="impossible-date"),
        pytest.param("parties-in-period", {"from": "last year"}, "not a date", id="words-for-date"),
        pytest.param("parties-in-period", {"to": "2017"}, "not a date", id="year-for-date"),
        pytest.param("events-by-year", {"year": "1e3"}, "not a number", id="exponent"),
        pytest.param("events-by-year", {"year": "twenty"}, "not a number", id="words-for-number"),
        pytest.param(
            "decisions-by-meeting", {"meeting": "Nothing Like It"}, "no entity is named", id="bad-id"
        ),
        pytest.param("decisions-by-meeting", {"meeting": "cop-55"}, "no meeting with id", id="unknown-id"),
        pytest.param(
            "decisions-by-meeting", {"meeting": "topic/asgm"}, "not a meeting", id="id-of-wrong-kind"
        ),
        pytest.param("entity-links", {"entity": "nowhere"}, "no record with id", id="unknown-any-id"),
        pytest.param("entity-links", {}, "is required", id="missing-required"),
        pytest.param("decisions-by-meeting", {"meting": "cop-5"}, "unknown parameter", id="typo"),
        pytest.param(
            "status-as-of", {"date": "2018-01-01", "only": "parties"}, "not one of", id="unknown-choice"
        ),
        pytest.param(
            "fact-sources", {"entity": "inc-5", "property": "not an iri"}, "not an absolute IRI", id="bad-iri"
        ),
    ],
)
def test_bad_parameters_are_input_errors(query, params, message):
    with pytest.raises(InputError, match=message):
        run(query, params, store=store())


def test_parameter_types_and_defaults():
    query = parse_query(
        "# param: when date (any) — a day\n# param: n number 3 — a count\n"
        "# param: who id:person (required) — a person\n# param: iri iri (any) — any IRI\n"
        "SELECT * WHERE { ?s ?p ?o } ORDER BY ?s",
        "t",
        Path("t.rq"),
    )
    bound = bind_params(
        query,
        {"who": "person/marc-chardonnens", "when": dt.date(2020, 1, 2), "iri": "mgid:meeting/cop-5"},
        store(),
    )
    assert str(bound["who"]) == "https://w3id.org/mgraph/id/person/marc-chardonnens"
    assert bound["when"].toPython() == dt.date(2020, 1, 2)
    assert bound["n"].toPython() == 3  # the default
    assert str(bound["iri"]) == "https://w3id.org/mgraph/id/meeting/cop-5"


@pytest.mark.parametrize(
    "header",
    [
        pytest.param("# param: x badtype (any) — y", id="unknown-type"),
        pytest.param("# param: x id:nokind (any) — y", id="unknown-kind"),
        pytest.param("# param: x string", id="no-description"),
        pytest.param("# param: engine string (any) — reserved", id="reserved-name"),
    ],
)
def test_malformed_headers_are_errors(header):
    with pytest.raises(InputError):
        parse_query(header + "\nSELECT * WHERE { ?s ?p ?o }", "t", Path("t.rq"))


# --- injection -------------------------------------------------------------------------------

HOSTILE = [
    'x" } ?s ?p ?o { "',
    "x' } UNION { ?s ?p ?o } #",
    "> . ?s ?p ?o <",
    '"""\n} ; DROP ALL ; {\\',
    "\u0000\u202e}",
]


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
@pytest.mark.parametrize("value", HOSTILE, ids=[f"hostile-{i}" for i in range(len(HOSTILE))])
def test_string_values_come_back_unchanged(tmp_path, engine, value):
    """A value is data: it is returned exactly, as one row, and changes nothing in the query."""
    echo = tmp_path / "echo.rq"
    echo.write_text(
        "# param: text string (required) — anything\nSELECT ?text WHERE { } ORDER BY ?text\n",
        encoding="utf-8",
    )
    rows = run(echo, {"text": value}, store=store(engine=engine))
    assert rows == [{"text": value}]
    assert run("legal-acts", {"type": value}, store=store(engine=engine)) == []


@pytest.mark.parametrize("value", [*HOSTILE, "cop-5> . ?s ?p ?o <x"])
def test_hostile_ids_and_iris_are_refused(value):
    with pytest.raises(InputError):
        run("decisions-by-meeting", {"meeting": value}, store=store())
    with pytest.raises(InputError):
        run("fact-sources", {"entity": "inc-5", "property": f"https://x.org/{value}"}, store=store())


# --- safety ---------------------------------------------------------------------------------


def test_service_is_refused_without_allow_service(tmp_path, capsys):
    query = tmp_path / "service.rq"
    query.write_text(
        "SELECT * WHERE { SERVICE <https://example.org/sparql> { ?s ?p ?o } } ORDER BY ?s\n", encoding="utf-8"
    )
    assert cli.main(["query", str(query), "--graph", str(FIXTURE)]) == 2
    assert "SERVICE" in capsys.readouterr().err


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("SELECT * WHERE { ?s ?p }", id="syntax-error"),
        pytest.param("INSERT DATA { <a:b> <a:c> <a:d> }", id="update"),
        pytest.param("SELECT * FROM <https://example.org/g> WHERE { ?s ?p ?o }", id="from"),
    ],
)
def test_unsafe_or_broken_queries_exit_2(tmp_path, capsys, text):
    query = tmp_path / "q.rq"
    query.write_text(text, encoding="utf-8")
    assert cli.main(["query", str(query), "--graph", str(FIXTURE)]) == 2
    assert capsys.readouterr().err.strip()


# --- the Python API --------------------------------------------------------------------------


def test_run_returns_plain_python_values():
    rows = run("projects-by-funder", store=store(), funder="gef")
    gold = next(r for r in rows if r["project"].endswith("/gef-gold"))
    assert gold["grant_usd"] == Decimal("45262295") and isinstance(gold["grant_usd"], Decimal)
    assert gold["approved"] == "2016-10"  # a month keeps its precision, as text
    assert gold["start"] is None
    timeline = run("cop-timeline", store=store(), convention="minamata")
    assert timeline[0]["start"] == dt.date(2017, 9, 24)
    assert isinstance(timeline[0]["number"], int)
    disputed = run("disputed-facts", store=store(), entity="inc-5")
    assert {r["preferred"] for r in disputed} == {True, False}


def test_run_by_file_and_on_an_rdflib_graph():
    graph = Graph().parse(FIXTURE)
    by_name = run("legal-acts", {"party": "bra"}, graph=graph, engine="rdflib")
    by_file = run(QUERIES / "legal-acts.rq", party="bra", graph=FIXTURE)
    assert by_name == by_file and len(by_name) == 3


def test_to_dataframe():
    rows = run("topics", store=store())
    try:
        import pandas  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match="pip install pandas"):
            to_dataframe(rows)
        return
    frame = to_dataframe(rows)
    assert list(frame.columns) == rows.columns and len(frame) == len(rows)


def test_unknown_query_suggests_names():
    with pytest.raises(InputError, match="did you mean decisions-by-meeting"):
        get_query("decision-by-meeting")


# --- the command line ------------------------------------------------------------------------


def test_list_shows_every_query_with_its_question(capsys):
    assert cli.main(["query", "--list"]) == 0
    out = capsys.readouterr().out
    for name in LIBRARY:
        assert name in out
    assert len(list_rows()) == len(LIBRARY)
    assert cli.main(["query", "--list", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert {q["name"]: q["question"] for q in listed} == {n: q.question for n, q in LIBRARY.items()}


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json", "markdown"])
def test_formats(capsys, fmt):
    args = ["query", "legal-acts", "--param", "party=bra", "--graph", str(FIXTURE), "--format", fmt]
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    expected = run("legal-acts", {"party": "bra"}, store=store())
    if fmt == "json":
        data = json.loads(out)
        assert [r["date"] for r in data] == [r["date"].isoformat() for r in expected]
    elif fmt in ("csv", "tsv"):
        table = list(csv.reader(io.StringIO(out), delimiter="," if fmt == "csv" else "\t"))
        assert table[0] == expected.columns and len(table) == len(expected) + 1
        assert table[1][0] == expected[0]["party"]
    elif fmt == "markdown":
        assert out.splitlines()[0] == "| " + " | ".join(expected.columns) + " |"
        assert len(out.splitlines()) == len(expected) + 2
    else:
        assert "legal-act:bra-" in out and f"({len(expected)} rows; not shown: party," in out


def test_violation_queries_exit_1_when_they_find_rows(capsys):
    name = "records-without-sources-violation"
    assert cli.main(["query", name, "--graph", str(FIXTURE)]) == 0
    assert cli.main(["query", name, "--graph", str(BAD)]) == 1
    assert "problem row" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["query"], id="no-query"),
        pytest.param(["query", "nope-such-query"], id="unknown-query"),
        pytest.param(["query", "legal-acts", "--param", "party"], id="param-without-value"),
        pytest.param(
            ["query", "legal-acts", "--param", "party=bra", "--param", "party=che"], id="param-twice"
        ),
        pytest.param(["query", "legal-acts", "--graph", "missing.nt"], id="missing-graph"),
        pytest.param(
            ["query", "legal-acts", "--engine", "rdflib", "--endpoint", "http://127.0.0.1:9/"],
            id="engine-and-endpoint",
        ),
    ],
)
def test_usage_errors_exit_2(capsys, argv):
    assert cli.main(argv) == 2
    assert capsys.readouterr().err.strip()


def test_show_prints_the_query(capsys):
    assert cli.main(["query", "disputed-facts", "--show"]) == 0
    assert capsys.readouterr().out == (QUERIES / "disputed-facts.rq").read_text(encoding="utf-8")


def test_format_rows_empty_keeps_the_header():
    rows = run("dangling-links-violation", store=store())
    assert rows == [] and format_rows(rows, "csv") == "subject,property,target\n"
