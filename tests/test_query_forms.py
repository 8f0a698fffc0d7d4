"""Every SPARQL query form from the command line and Python, our prefixes without PREFIX lines,
syntax errors as FILE:LINE:COL, time limits that stop the engine, and tables that fit.

Queries run on ``tests/queries/fixture.ttl`` on both local engines; remote forms are in
test_endpoint.py.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from paths import FIXTURE
from rdflib import Graph
from rdflib.compare import isomorphic

from mgraph.cli import main
from mgraph.core.errors import InputError
from mgraph.core.store import ENGINES, Rows, Triples, from_file
from mgraph.queries.query import run
from mgraph.queries.render import FORMATS, GRAPH_FORMATS, format_rows

ENGINE_PARAMS = [pytest.param(e, id=e) for e in ENGINES]
_STORES: dict = {}


def store(engine: str):
    if engine not in _STORES:
        _STORES[engine] = from_file(FIXTURE, engine)
    return _STORES[engine]


def write(tmp_path: Path, text: str, name: str = "q.rq") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mgraph", *args, "--width", "80"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


# --- forms -----------------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINE_PARAMS)
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("ASK { ?d a mg:Decision ; rdfs:label ?label }", True, id="true"),
        pytest.param("ASK { ?d a mg:Decision ; mg:noSuchProperty ?x }", False, id="false"),
    ],
)
def test_ask_answers_a_boolean_without_prefix_lines(tmp_path, engine, text, expected):
    assert run(write(tmp_path, text), store=store(engine)) is expected


@pytest.mark.parametrize(
    ("text", "code", "out"),
    [
        pytest.param("ASK { ?m a mg:Meeting }", 0, "true", id="true-exits-0"),
        pytest.param("ASK { ?m a mg:NoSuchClass }", 1, "false", id="false-exits-1"),
    ],
)
def test_ask_from_the_command_line_exits_0_or_1(tmp_path, text, code, out):
    done = cli("query", str(write(tmp_path, text)), "--graph", str(FIXTURE))
    assert (done.returncode, done.stdout.strip()) == (code, out), done.stderr


CONSTRUCT = """
CONSTRUCT { ?d mg:adoptedAt ?m ; rdfs:label ?label }
WHERE { ?d a mg:Decision ; mg:adoptedAt ?m ; rdfs:label ?label }
"""


def test_construct_gives_the_same_graph_on_every_engine(tmp_path):
    path = write(tmp_path, CONSTRUCT)
    graphs = []
    for engine in ENGINES:
        answer = run(path, store=store(engine))
        assert isinstance(answer, Triples) and len(answer) > 10
        graphs.append(_graph(answer))
    assert isomorphic(graphs[0], graphs[1])


def test_construct_is_bound_by_parameters_not_by_text(tmp_path):
    text = "# param: meeting id:meeting (required) — the meeting\n" + CONSTRUCT.replace(
        "?d a mg:Decision ;", "?d a mg:Decision ; mg:adoptedAt ?meeting ;"
    )
    path = write(tmp_path, text)
    for engine in ENGINES:
        answer = run(path, store=store(engine), meeting="cop-5")
        adopted = {str(t.object.value) for t in answer if t.predicate.value.endswith("adoptedAt")}
        assert adopted == {"https://w3id.org/mgraph/id/meeting/cop-5"}, engine


@pytest.mark.parametrize("fmt", [pytest.param(f, id=f) for f in GRAPH_FORMATS])
def test_construct_output_parses_back_to_the_same_graph(tmp_path, fmt):
    path = write(tmp_path, CONSTRUCT)
    done = cli("query", str(path), "--graph", str(FIXTURE), "--format", fmt)
    assert done.returncode == 0, done.stderr
    parsed = Graph().parse(
        data=done.stdout, format={"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld"}[fmt]
    )
    assert isomorphic(parsed, _graph(run(path, store=store("oxigraph"))))


def test_describe_lists_the_facts_of_an_entity(tmp_path):
    path = write(tmp_path, "DESCRIBE <https://w3id.org/mgraph/id/meeting/cop-5>")
    answer = run(path, store=store("oxigraph"))
    assert {t.subject.value for t in answer} == {"https://w3id.org/mgraph/id/meeting/cop-5"}
    assert any(t.predicate.value == "http://www.w3.org/2000/01/rdf-schema#label" for t in answer)


def test_row_formats_refuse_graph_answers_and_graph_formats_refuse_rows(tmp_path):
    done = cli("query", "cop-timeline", "--graph", str(FIXTURE), "--format", "turtle")
    assert done.returncode == 2 and "CONSTRUCT and DESCRIBE" in done.stderr
    assert set(FORMATS) | set(GRAPH_FORMATS) == {
        "table",
        "csv",
        "tsv",
        "json",
        "markdown",
        "turtle",
        "ntriples",
        "jsonld",
    }


def test_cli_choices_are_the_library_s():
    from mgraph.cli import parser
    from mgraph.cli import query as command
    from mgraph.core.store import ENGINES as STORE_ENGINES

    query = next(a for a in parser()._subparsers._group_actions[0].choices.items() if a[0] == "query")[1]
    choices = next(a.choices for a in query._actions if a.dest == "format")
    assert tuple(choices) == FORMATS + GRAPH_FORMATS  # read from mgraph.queries, not copied
    assert command.ENGINES is STORE_ENGINES  # the one tuple (core/query_engines.py), not a copy


# --- errors and limits -------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINE_PARAMS)
def test_missing_prefix_is_one_line_with_file_line_and_column(tmp_path, engine, capsys):
    """Regression: an undeclared prefix printed pyoxigraph's Unicode character ranges."""
    path = write(tmp_path, "SELECT ?s WHERE {\n  ?s a foo:Bar .\n}\n")
    assert main(["query", str(path), "--graph", str(FIXTURE), "--engine", engine]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"{path}:2:"), err
    assert "undeclared prefix" in err and "\\u{" not in err and len(err.splitlines()) == 1


@pytest.mark.parametrize("engine", ENGINE_PARAMS)
def test_syntax_error_names_file_line_and_column(tmp_path, engine, capsys):
    path = write(tmp_path, "SELECT ?s WHERE {\n  ?s a mg:Decision\n  FILTER(?s = )\n}\n")
    assert main(["query", str(path), "--graph", str(FIXTURE), "--engine", engine]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"{path}:3:") and "SPARQL syntax error" in err, err
    assert len(err.splitlines()) <= 2


CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.mark.parametrize("engine", ENGINE_PARAMS)
def test_a_runaway_query_is_stopped_at_the_time_limit(tmp_path, engine):
    done = cli(
        "query",
        str(write(tmp_path, CARTESIAN)),
        "--graph",
        str(FIXTURE),
        "--engine",
        engine,
        "--timeout",
        "1",
    )
    assert done.returncode == 2, done.stderr
    assert "timed out" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.slow  # runs a query to its time limit
def test_many_flat_optionals_end_in_a_clear_error_not_a_traceback(tmp_path):
    """Regression: 5,000 flat OPTIONALs made rdflib die with a RecursionError traceback."""
    optionals = " ".join(f"OPTIONAL {{ ?s <http://x/p{i}> ?v{i} }}" for i in range(5000))
    path = write(tmp_path, f"SELECT * WHERE {{ ?s ?p ?o {optionals} }}")
    done = cli("query", str(path), "--graph", str(FIXTURE), "--engine", "rdflib", "--timeout", "30")
    assert done.returncode == 2, done.stdout[:200]
    assert "Traceback" not in done.stderr and done.stderr.strip(), done.stderr[-500:]
    assert len(done.stderr.strip().splitlines()) <= 2


def test_negative_timeout_is_a_usage_error(tmp_path):
    done = cli("query", "cop-timeline", "--graph", str(FIXTURE), "--timeout", "-1")
    assert done.returncode == 2 and "--timeout" in done.stderr


def test_timeout_zero_means_no_limit(tmp_path):
    done = cli("query", "cop-timeline", "--graph", str(FIXTURE), "--timeout", "0", "-f", "csv")
    assert done.returncode == 0 and done.stdout.startswith("meeting,")


# --- tables --------------------------------------------------------------------------------


def test_tables_fit_the_terminal_by_wrapping_cells():
    done = cli("query", "decisions-by-meeting", "--param", "meeting=cop-5", "--graph", str(FIXTURE))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80, max(lines, key=len)


def test_no_truncate_prints_whole_cells(tmp_path):
    longest = " ".join(f"word{i}" for i in range(40))  # 300 characters
    path = write(tmp_path, f'SELECT ?text ?n WHERE {{ BIND("{longest}" AS ?text) BIND(1 AS ?n) }}')
    wrapped = cli("query", str(path), "--graph", str(FIXTURE))
    assert longest not in wrapped.stdout and max(map(len, wrapped.stdout.splitlines())) <= 80
    whole = cli("query", str(path), "--graph", str(FIXTURE), "--no-truncate")
    assert whole.returncode == 0 and longest in whole.stdout


def test_columns_chooses_and_orders_columns():
    rows = Rows(["a", "b", "c"], [{"a": 1, "b": 2, "c": 3}])
    assert format_rows(rows, "csv", columns=["c", "a"]) == "c,a\n3,1\n"
    with pytest.raises(InputError, match="no column 'z'"):
        format_rows(rows, "csv", columns=["z"])


def _graph(triples: Triples) -> Graph:
    from mgraph.core.serialize import to_ntriples

    return Graph().parse(data=to_ntriples(list(triples)).decode(), format="nt")


def test_posts_held_are_listed_by_date():
    """Regression: posts-held sorted by the body's name (Eleventh, Fifth, First...), not by date."""
    rows = run("posts-held", store=store("oxigraph"))
    starts = [str(r["start"]) for r in rows if r["start"] is not None]
    assert len(starts) >= 3 and starts == sorted(starts)


def test_a_capped_parameter_is_said_not_silent():
    """Regression: connections silently capped max_hops at 3."""
    done = cli(
        "query",
        "connections",
        "--param",
        "from=mc-5-4",
        "--param",
        "to=minamata-secretariat",
        "--param",
        "max_hops=7",
        "--graph",
        str(FIXTURE),
    )
    assert done.returncode == 0, done.stderr
    assert "warning: parameter 'max_hops': 7 is outside 1..3; using 3" in done.stderr
    quiet = cli(
        "query",
        "connections",
        "--param",
        "from=mc-5-4",
        "--param",
        "to=minamata-secretariat",
        "--param",
        "max_hops=2",
        "--graph",
        str(FIXTURE),
    )
    assert "warning" not in quiet.stderr


@pytest.mark.parametrize(
    ("query", "param", "name", "same_as"),
    [
        pytest.param("decisions-by-meeting", "meeting", "COP-5", "cop-5", id="meeting-by-code"),
        pytest.param("legal-acts", "party", "Burkina Faso", "bfa", id="party-by-name"),
        pytest.param("entity-facts", "entity", "WHO", "organisation/who", id="entity-by-acronym"),
    ],
)
def test_entity_parameters_take_names_as_people_write_them(query, param, name, same_as):
    assert run(query, {param: name}) == run(query, {param: same_as})


def test_an_unknown_entity_name_lists_the_closest(capsys):
    assert main(["query", "decisions-by-meeting", "--param", "meeting=COP-55"]) == 2
    err = capsys.readouterr().err
    assert "parameter 'meeting': no entity is named 'COP-55'" in err and "did you mean" in err


def test_names_are_looked_up_in_the_graph_queried(tmp_path):
    """A name resolves against the local graph a query runs on, not only against ours."""
    graph = tmp_path / "own.ttl"
    graph.write_text(
        "@prefix mg: <https://w3id.org/mgraph/ontology#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "<https://w3id.org/mgraph/id/meeting/zz-1> a mg:Meeting ; rdfs:label "
        '"Only In My Graph" .\n',
        encoding="utf-8",
    )
    rows = run("decisions-by-meeting", {"meeting": "Only In My Graph"}, graph=graph)
    assert rows == []  # resolved (no error), and the meeting adopted nothing here
    with pytest.raises(InputError, match="no entity is named 'Only In My Graph'"):
        run("decisions-by-meeting", {"meeting": "Only In My Graph"})


# --- your own query's mistakes ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "warning"),
    [
        pytest.param(
            "SELECT ?d WHERE { ?d a mg:Decison }",
            "mg:Decison (line 1, column 24) is not a term of the ontology; did you mean mg:Decision?",
            id="class-typo",
        ),
        pytest.param(
            "SELECT ?d WHERE { ?d mg:adoptedat ?m }",
            "did you mean mg:adoptedAt?",
            id="property-case",
        ),
        pytest.param(
            'SELECT ?p WHERE {\n  ?p rdfs:label "Fifth meeting of the Conference of the Parties (COP-5)" }',
            'only with a language tag; write "Fifth meeting of the Conference of the Parties (COP-5)"@en',
            id="label-without-tag",
        ),
    ],
)
def test_a_mistaken_query_warns_and_exits_as_before(tmp_path, text: str, warning: str) -> None:
    done = cli("query", str(write(tmp_path, text)), "--graph", str(FIXTURE))
    assert done.returncode == 0, done.stderr
    assert "(0 rows)" in done.stdout
    assert warning in done.stderr


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("SELECT ?d WHERE { ?d a mg:Decision }", id="known-class"),
        pytest.param('SELECT ?p WHERE { ?p rdfs:label "Fifth meeting of the COP"@en }', id="tagged-label"),
        pytest.param('SELECT ?d WHERE { ?d dcterms:identifier "MC-5/3" }', id="plain-value-that-exists"),
    ],
)
def test_a_sound_query_gets_no_warning(tmp_path, text: str) -> None:
    done = cli("query", str(write(tmp_path, text)), "--graph", str(FIXTURE))
    assert done.returncode == 0 and "warning" not in done.stderr, done.stderr


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "SELECT ?d WHERE {\n  ?d a mg:Decision .\n  OPTIONAL { ?d rdfs:label ?l\n}\nORDER BY ?d",
            "q.rq:3:12: SPARQL syntax error: missing '}' to close the group opened at 3:12",
            id="missing-brace",
        ),
        pytest.param(
            "SELECT ?d WHERE { ?d a mg:Decision FILTER (STRLEN(?d) > 1 }",
            "missing ')' to close the '(' opened at 1:43",
            id="missing-parenthesis",
        ),
        pytest.param(
            "SELECT ?d WHERE {\n  ?d a p:Decision }",
            "q.rq:2:8: undeclared prefix 'p:' in p:Decision (declare it with PREFIX p: <...>)",
            id="undeclared-prefix",
        ),
    ],
)
def test_syntax_errors_say_what_is_missing(tmp_path, text: str, message: str) -> None:
    done = cli("query", str(write(tmp_path, text)), "--graph", str(FIXTURE))
    assert done.returncode == 2 and message in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_the_oxigraph_path_names_the_undeclared_prefix() -> None:
    """A store's own query (the server's path) names the prefix too, not ``p:``."""
    with pytest.raises(InputError, match=r"undeclared prefix 'foo:' \(declare it with PREFIX foo:"):
        store("oxigraph").query("SELECT * WHERE { ?d a foo:Decision }")
