"""Reading users' RDF files and screening their SPARQL: what is read, what is refused, and how."""

from __future__ import annotations

import http.server
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from paths import FIXTURES
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from mgraph.core.errors import EXIT_USAGE, InputError
from mgraph.core.nesting import MAX_NESTING
from mgraph.core.sparql_screen import screen_query
from mgraph.core.user_files import EXTENSIONS, parse_user_file, user_triples

USER = FIXTURES / "user"
UNSAFE = FIXTURES / "unsafe"
EX = "http://example.org/"

RDF_HEAD = '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">'


def refusal(path: str | Path, **kwargs) -> str:
    """The one-line message parse_user_file refuses ``path`` with."""
    with pytest.raises(InputError) as caught:
        parse_user_file(path, **kwargs)
    assert caught.value.exit_code == EXIT_USAGE
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(str(path))
    return message


def query_refusal(text: str, **kwargs) -> str:
    with pytest.raises(InputError) as caught:
        screen_query(text, **kwargs)
    assert caught.value.exit_code == EXIT_USAGE
    return str(caught.value)


# --- valid files ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def reference() -> Graph:
    return Graph().parse(USER / "graph.ttl", format="turtle")


@pytest.mark.parametrize("name", sorted(p.name for p in USER.glob("graph.*")), ids=lambda name: name)
def test_every_format_reads_to_the_reference_graph(name: str, reference: Graph) -> None:
    graph = parse_user_file(USER / name)
    assert len(graph) == len(reference)
    assert isomorphic(graph, reference)


def test_every_extension_has_a_fixture() -> None:
    assert {p.suffix for p in USER.glob("graph.*")} == set(EXTENSIONS)


def test_owl_imports_is_kept_as_a_triple_and_nothing_is_fetched(loopback) -> None:
    port, requests, folder = loopback
    text = (
        (USER / "graph.ttl")
        .read_text()
        .replace("http://example.org/not-fetched.ttl", f"http://127.0.0.1:{port}/imported.ttl")
    )
    copy = folder / "imports.ttl"
    copy.write_text(text)
    graph = parse_user_file(copy)
    imported = URIRef(f"http://127.0.0.1:{port}/imported.ttl")
    assert (URIRef(f"{EX}data"), URIRef("http://www.w3.org/2002/07/owl#imports"), imported) in graph
    assert requests == []


def test_format_argument_overrides_the_extension(tmp_path: Path) -> None:
    path = tmp_path / "data.txt"
    path.write_text(f"<{EX}s> <{EX}p> 'x' .\n")
    assert len(parse_user_file(path, format="turtle")) == 1
    assert "unknown RDF format 'yaml'" in refusal(path, format="yaml")


def test_blank_nodes_are_stable_per_file_and_distinct_between_files(tmp_path: Path) -> None:
    text = f"_:b0 <{EX}p> [ <{EX}q> 1 ] .\n"
    first, second = tmp_path / "a.ttl", tmp_path / "b.ttl"
    first.write_text(text)
    second.write_text(text)
    assert sorted(parse_user_file(first)) == sorted(parse_user_file(first))
    merged = parse_user_file(first) + parse_user_file(second)
    assert len(merged) == 4


def test_relative_iris_resolve_against_the_file(tmp_path: Path) -> None:
    path = tmp_path / "rel.ttl"
    path.write_text(f"<#thing> <{EX}p> <other> .\n")
    ((subject, _, obj),) = parse_user_file(path)
    assert subject == URIRef(path.resolve().as_uri() + "#thing")
    assert obj == URIRef((tmp_path / "other").resolve().as_uri())


def test_bom_and_declared_xml_encoding_are_honoured(tmp_path: Path) -> None:
    turtle = tmp_path / "bom.ttl"
    turtle.write_bytes(b"\xef\xbb\xbf" + f"<{EX}s> <{EX}p> 'caf\u00e9' .\n".encode())
    assert {o for _, _, o in parse_user_file(turtle)} == {Literal("caf\u00e9")}
    xml = tmp_path / "latin1.rdf"
    body = (
        f'<?xml version="1.0" encoding="ISO-8859-1"?>\n{RDF_HEAD}'
        f'<rdf:Description rdf:about="{EX}s"><ex:p>caf\u00e9</ex:p></rdf:Description></rdf:RDF>'
    )
    xml.write_bytes(body.encode("latin-1"))
    assert {o for _, _, o in parse_user_file(xml)} == {Literal("caf\u00e9")}


def test_internal_entities_are_expanded_but_not_inside_cdata(tmp_path: Path) -> None:
    path = tmp_path / "cdata.rdf"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ <!ENTITY ex "http://example.org/"> ]>\n'
        f'{RDF_HEAD}<rdf:Description rdf:about="&ex;s">'
        "<ex:p><![CDATA[&ex;]]></ex:p><ex:q>&ex;</ex:q></rdf:Description></rdf:RDF>"
    )
    graph = parse_user_file(path)
    assert set(graph.objects()) == {Literal("&ex;"), Literal(EX)}


# --- refused arguments ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argument",
    [
        pytest.param("http://example.org/data.ttl", id="http"),
        pytest.param("https://example.org/data.ttl", id="https"),
        pytest.param("file:///etc/passwd", id="file"),
        pytest.param("ftp://example.org/data.ttl", id="ftp"),
    ],
)
def test_urls_are_refused(argument: str) -> None:
    assert "is a URL; mgraph reads only local files" in refusal(argument)


def test_missing_file_directory_and_unknown_extension(tmp_path: Path) -> None:
    assert refusal(tmp_path / "absent.ttl").endswith(": no such file")
    assert refusal(tmp_path).endswith(": is a directory, not a file")
    odd = tmp_path / "data.yaml"
    odd.write_text("a: 1\n")
    message = refusal(odd)
    assert "cannot tell the RDF format from the extension '.yaml'" in message
    assert all(ext in message for ext in EXTENSIONS)


def test_a_device_is_not_a_regular_file() -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    assert refusal("/dev/zero", format="turtle").endswith(": is not a regular file")


# --- refused contents ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param(
            "billion-laughs.rdf", ":5:3: entity 'lol1' refers to other entities", id="billion-laughs"
        ),
        pytest.param(
            "hidden-doctype.rdf",
            ":5:3: entity 'b' refers to other entities",
            id="doctype-after-decoy-comment",
        ),
        pytest.param(
            "charref-entity.rdf",
            ":5:3: entity 'b' refers to other entities",
            id="entity-reference-by-character-reference",
        ),
        pytest.param(
            "external-entity.rdf", ":3:3: external entity 'secret' (SYSTEM) is not loaded", id="xxe-system"
        ),
        pytest.param(
            "public-entity.rdf", ":3:3: external entity 'remote' (PUBLIC) is not loaded", id="xxe-public"
        ),
        pytest.param(
            "parameter-entity.rdf", ":3:3: parameter entity 'remote' is not supported", id="parameter-entity"
        ),
        pytest.param(
            "external-dtd.rdf", ":2:19: external DTDs (SYSTEM/PUBLIC) are not loaded", id="external-dtd"
        ),
        pytest.param("xinclude.rdf", ":3:20: XInclude is not supported", id="xinclude"),
        pytest.param(
            "remote-context.jsonld",
            ":2:15: JSON-LD @context 'https://schema.org/' refers to another document",
            id="remote-context",
        ),
        pytest.param(
            "file-context.jsonld",
            ":2:15: JSON-LD @context 'file:///etc/passwd' refers to another document",
            id="file-context",
        ),
        pytest.param(
            "context-list.jsonld",
            ":4:5: JSON-LD @context 'context.jsonld' refers to another document",
            id="relative-context-in-list",
        ),
        pytest.param(
            "scoped-context.jsonld",
            ":4:44: JSON-LD @context 'http://127.0.0.1:9/scoped.jsonld' refers",
            id="scoped-context",
        ),
        pytest.param(
            "import-context.jsonld",
            ":4:16: JSON-LD @import of 'http://127.0.0.1:9/base.jsonld' is not loaded",
            id="context-import",
        ),
        pytest.param("formula.n3", ": N3 formulas ({ ... }) are not supported", id="n3-formula"),
        pytest.param(
            "triple-term.ttl", ": triple terms (RDF 1.2 / RDF-star) are not supported", id="triple-term"
        ),
    ],
)
def test_unsafe_files_are_refused(name: str, expected: str) -> None:
    path = UNSAFE / name
    assert f"{path}{expected}" in refusal(path)


def test_refused_terms_are_refused_on_every_path(tmp_path: Path) -> None:
    """The rdflib graph, a pyoxigraph store and the triples an index reads (``--graph FILE`` of
    export and analyze) refuse the same terms with the same message."""
    import pyoxigraph as ox

    from mgraph.networks.index import index_graph

    directional = tmp_path / "directional.ttl"
    directional.write_text(f'<{EX}s> <{EX}p> "x"@ar--rtl .\n')
    for path, expected in [
        (UNSAFE / "formula.n3", ": N3 formulas ({ ... }) are not supported"),
        (UNSAFE / "triple-term.ttl", ": triple terms (RDF 1.2 / RDF-star) are not supported"),
        (directional, ": directional language strings (RDF 1.2) are not supported"),
    ]:
        assert f"{path}{expected}" in refusal(path)
        assert f"{path}{expected}" in refusal(path, store=ox.Store())
        with pytest.raises(InputError) as caught:
            list(user_triples(path))
        assert f"{path}{expected}" in str(caught.value)
        with pytest.raises(InputError) as caught:
            index_graph(path)
        assert caught.value.exit_code == EXIT_USAGE
        assert f"{path}{expected}" in str(caught.value)


@pytest.mark.parametrize("name", ["graph.trig", "graph.ttl", "graph.nq"])
def test_a_store_and_the_indexed_triples_hold_the_same_terms(name: str) -> None:
    """Blank nodes relabelled alike (stable, per file) and named graphs merged, on both paths."""
    import pyoxigraph as ox

    store = ox.Store()
    parse_user_file(USER / name, store=store)
    held = {(q.subject, q.predicate, q.object) for q in store}
    assert {q.graph_name for q in store} == {ox.DefaultGraph()}
    assert set(user_triples(USER / name)) == held
    assert any(isinstance(s, ox.BlankNode) for s, _, _ in held)
    assert set(user_triples(USER / name)) == set(user_triples(USER / name))


def test_internal_parameter_entity_and_entity_in_attlist_are_refused(tmp_path: Path) -> None:
    for name, subset, expected in [
        ("pe.rdf", '<!ENTITY % p "x">', "parameter entity 'p' is not supported"),
        (
            "attlist.rdf",
            '<!ENTITY e "x"> <!ATTLIST ex:p ex:a CDATA "&e;">',
            "unsupported or malformed DOCTYPE declaration",
        ),
    ]:
        path = tmp_path / name
        path.write_text(f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ {subset} ]>\n{RDF_HEAD}</rdf:RDF>\n')
        assert expected in refusal(path)


def test_entities_that_expand_too_far_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "wide.rdf"
    big = "x" * 100_000
    refs = "&big;" * 200  # 20 million characters once expanded, from a 100 KB entity
    path.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ <!ENTITY big "{big}"> ]>\n'
        f'{RDF_HEAD}<rdf:Description rdf:about="{EX}s"><ex:p>{refs}</ex:p>'
        "</rdf:Description></rdf:RDF>\n"
    )
    assert "XML entities would expand to 20000000 characters" in refusal(path)


def test_utf16_and_invalid_utf8_are_refused(tmp_path: Path) -> None:
    utf16 = tmp_path / "utf16.ttl"
    utf16.write_bytes(f"<{EX}s> <{EX}p> 'x' .\n".encode("utf-16"))
    assert "is UTF-16 encoded" in refusal(utf16)
    latin = tmp_path / "latin.ttl"
    latin.write_bytes(b"# ok\n<http://example.org/s> <http://example.org/p> 'caf\xe9' .\n")
    assert refusal(latin) == f"{latin}:2:51: is not valid UTF-8"


# --- nesting -------------------------------------------------------------------------------------


DEEP = 100_000


@pytest.mark.parametrize(
    ("name", "text", "column"),
    [
        pytest.param(
            "brackets.ttl", f"<{EX}s> <{EX}p> " + f"[ <{EX}p> " * DEEP, None, id="turtle-blank-nodes"
        ),
        pytest.param("lists.ttl", f"<{EX}s> <{EX}p> " + "(" * DEEP, 46 + MAX_NESTING + 1, id="turtle-lists"),
        pytest.param("lists.trig", f"<{EX}g> {{ <{EX}s> <{EX}p> " + "(" * DEEP, None, id="trig-lists"),
        pytest.param(
            "formulas.n3", f"<{EX}s> <{EX}p> " + f"{{ <{EX}s> <{EX}p> " * DEEP, None, id="n3-formulas"
        ),
        pytest.param("arrays.jsonld", f'{{"@id": "{EX}s", "{EX}p": ' + "[" * DEEP, None, id="json-arrays"),
        pytest.param("objects.json", f'{{"@id": "{EX}s", ' + f'"{EX}p": {{' * DEEP, None, id="json-objects"),
        pytest.param(
            "elements.rdf",
            f"{RDF_HEAD}<rdf:Description>" + "<ex:p><rdf:Description>" * DEEP,
            None,
            id="xml-elements",
        ),
    ],
)
def test_deep_nesting_is_refused_with_its_position(
    tmp_path: Path, name: str, text: str, column: int | None
) -> None:
    path = tmp_path / name
    path.write_text(text)
    message = refusal(path)
    assert f"{path}:1:" in message
    assert f"nested more than {MAX_NESTING} levels deep" in message
    if column is not None:
        assert message.startswith(f"{path}:1:{column}:")


def test_brackets_inside_strings_iris_and_comments_do_not_count(tmp_path: Path) -> None:
    noise = "[" * (MAX_NESTING * 2)
    path = tmp_path / "noise.ttl"
    path.write_text(
        f'# {noise}\n<{EX}s> <{EX}p> "{noise}", \'{noise}x\', """{noise}\n{noise}""", <{EX}{"(" * 300}> .\n'
    )
    assert len(parse_user_file(path)) == 4
    json_path = tmp_path / "noise.jsonld"
    json_path.write_text(f'{{"@id": "{EX}s", "{EX}p": "{noise} \\" {noise}"}}')
    assert len(parse_user_file(json_path)) == 1


def test_stray_closing_brackets_do_not_buy_depth(tmp_path: Path) -> None:
    path = tmp_path / "stray.ttl"
    path.write_text("]" * 1000 + "[" * 1000)
    assert refusal(path).startswith(f"{path}:1:{1000 + MAX_NESTING + 1}: nested more than")


def test_nesting_up_to_the_limit_is_read(tmp_path: Path) -> None:
    depth = MAX_NESTING - 1
    path = tmp_path / "deep-enough.ttl"
    path.write_text(f"<{EX}s> <{EX}p> " + f"[ <{EX}p> " * depth + "1" + " ]" * depth + " .\n")
    assert len(parse_user_file(path)) == depth + 1


# --- syntax errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param("syntax-error.ttl", ":4:10: Turtle syntax error: ", id="turtle"),
        pytest.param("not-well-formed.rdf", ":4:14: XML syntax error: mismatched tag", id="xml"),
        pytest.param(
            "bad-rdfxml.rdf", ":4:5: RDF/XML syntax error: Invalid property element", id="rdfxml-grammar"
        ),
        # the wording and column are Python's json module's: Python 3.13 says "Illegal trailing
        # comma before end of array" at the comma (column 32), 3.11 "Expecting value" after it
        pytest.param("bad-json.jsonld", r":3:3\d: invalid JSON: ", id="json"),
    ],
)
def test_syntax_errors_name_line_and_column(name: str, expected: str) -> None:
    path = UNSAFE / name
    pattern = expected if "\\d" in expected else re.escape(expected)  # the json case: any column 3x
    assert re.match(re.escape(str(path)) + pattern, refusal(path))


def test_rdfxml_error_without_a_position_is_located_by_its_text(tmp_path: Path) -> None:
    path = tmp_path / "bad-iri.rdf"
    path.write_text(
        f'{RDF_HEAD}\n<rdf:Description rdf:about="{EX}s">\n'
        '  <ex:p rdf:resource="ht tp://bad"/>\n</rdf:Description></rdf:RDF>\n'
    )
    assert refusal(path).startswith(f"{path}:3:23: RDF/XML syntax error: ")


# --- nothing reaches the network -----------------------------------------------------------------


@pytest.fixture
def loopback(tmp_path: Path) -> Iterator[tuple[int, list[str], Path]]:
    """A web server on 127.0.0.1 that records every request it gets."""
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/ld+json")
            self.end_headers()
            self.wfile.write(b'{"@context": {"name": "http://example.org/name"}}')

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server.server_address[1], requests, tmp_path
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_nothing_is_fetched_from_a_live_server(loopback) -> None:
    port, requests, folder = loopback
    url = f"http://127.0.0.1:{port}"
    cases = {
        "context.jsonld": f'{{"@context": "{url}/ctx", "@id": "{EX}s", "name": "x"}}',
        "entity.rdf": (
            f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ <!ENTITY e SYSTEM "{url}/e"> ]>'
            f'\n{RDF_HEAD}<rdf:Description rdf:about="{EX}s"><ex:p>&e;</ex:p>'
            "</rdf:Description></rdf:RDF>"
        ),
        "dtd.rdf": (f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF SYSTEM "{url}/dtd">\n{RDF_HEAD}</rdf:RDF>'),
    }
    for name, text in cases.items():
        path = folder / name
        path.write_text(text)
        refusal(path)
    assert requests == []


# --- screen_query ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("SELECT * WHERE { ?s ?p ?o }", id="select"),
        pytest.param("ASK { ?s ?p ?o }", id="ask"),
        pytest.param("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o FILTER(?o < 3) }", id="construct"),
        pytest.param("DESCRIBE <http://example.org/s>", id="describe"),
        pytest.param(
            'SELECT * WHERE { ?s ?p "SERVICE <http://x/> { } FROM <http://x/> LOAD" }',
            id="keywords-in-a-string",
        ),
        pytest.param(
            "SELECT * WHERE { ?s <http://example.org/SERVICE> ?o } # SERVICE FROM INSERT",
            id="keywords-in-an-iri-and-a-comment",
        ),
        pytest.param("SELECT ?insert ?from WHERE { ?insert ?load ?from }", id="keywords-as-variables"),
        pytest.param("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", id="graph-is-local"),
    ],
)
def test_read_only_local_queries_pass(query: str) -> None:
    screen_query(query)


SERVICE = "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
FROM = "SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }"
FROM_NAMED = "SELECT * FROM NAMED <http://example.org/g> WHERE { GRAPH ?g { ?s ?p ?o } }"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param(SERVICE, "query:1:18: SERVICE <http://example.org/sparql> is not allowed", id="service"),
        pytest.param(
            "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE SILENT <http://x/s> { ?s ?p ?o } } }",
            "query:1:38: SERVICE <http://x/s> is not allowed",
            id="nested-service",
        ),
        pytest.param(FROM, "query:1:10: FROM <http://example.org/g> is not allowed", id="from"),
        pytest.param(
            FROM_NAMED, "query:1:10: FROM NAMED <http://example.org/g> is not allowed", id="from-named"
        ),
    ],
)
def test_queries_reaching_outside_are_refused_unless_allowed(query: str, expected: str) -> None:
    assert query_refusal(query).startswith(expected)
    screen_query(query, allow_service=True)


@pytest.mark.parametrize("query", [FROM, FROM_NAMED])
def test_from_naming_a_graph_held_is_allowed(query: str) -> None:
    """One screen for the command line and the endpoint: FROM may name a graph the store holds."""
    screen_query(query, graphs=["http://example.org/g"])
    assert "the graphs held: <http://example.org/other>" in query_refusal(
        query, graphs=["http://example.org/other"]
    )


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("LOAD <http://example.org/data.ttl>", id="load"),
        pytest.param("PREFIX ex: <http://example.org/>\nINSERT DATA { ex:a ex:b ex:c }", id="insert-data"),
        pytest.param("DELETE WHERE { ?s ?p ?o }", id="delete-where"),
        pytest.param("# comment\nclear all", id="clear"),
        pytest.param("WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", id="with"),
        pytest.param('INSERT DATA { <http://a> <http://b> "unterminated }', id="broken-insert"),
    ],
)
def test_updates_are_refused(query: str) -> None:
    assert "SPARQL updates (INSERT, DELETE, LOAD, CLEAR, ...) are not allowed" in query_refusal(query)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param(
            "SELECT * WHERE {\n  ?s ?p ?o .\n  FILTER(?o = )\n}",
            "query:3:3: SPARQL syntax error: ",
            id="filter",
        ),
        pytest.param(
            "SELECT * WHERE { ?s ?p ?o",
            "query:1:16: SPARQL syntax error: missing '}' to close the group opened at 1:16",
            id="unclosed",
        ),
        pytest.param("", "query:1:1: SPARQL syntax error: ", id="empty"),
        pytest.param(
            "PREFIX ex: <http://example.org/>\n", "query:2:1: SPARQL syntax error: ", id="prologue-only"
        ),
    ],
)
@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_syntax_errors_have_line_and_column(query: str, expected: str, engine: str) -> None:
    """Syntax errors are the engine's, not the screen's (which only reads tokens)."""
    from mgraph.core.store import from_graph

    screen_query(query)
    with pytest.raises(InputError) as caught:
        from_graph(Graph(), engine).query(query)
    assert str(caught.value).startswith(expected)


def test_source_names_the_query_in_messages() -> None:
    assert query_refusal(SERVICE, source="queries/x.rq").startswith("queries/x.rq:1:18: SERVICE")


@pytest.mark.parametrize(
    ("opening", "closing"),
    [
        pytest.param("{ ", " }", id="groups"),
        pytest.param("FILTER((", "))", id="parentheses"),
    ],
)
def test_ten_thousand_levels_are_refused_before_any_parser(opening: str, closing: str) -> None:
    n = 10_000
    query = "SELECT * WHERE { ?s ?p ?o " + opening * n + "?o" + closing * n + " }"
    message = query_refusal(query)
    assert message.startswith("query:1:")
    assert "query nested more than 200 levels deep" in message


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_nesting_up_to_max_depth_passes_the_screen_and_runs(engine: str) -> None:
    from mgraph.core.store import from_graph

    depth = 199
    store = from_graph(Graph(), engine)
    for query in (
        "SELECT * WHERE " + "{ " * depth + "?s ?p ?o" + " }" * depth,
        "ASK { FILTER(" + "(" * (depth - 2) + "1" + ")" * (depth - 2) + ") }",
    ):
        screen_query(query)
        assert store.query(query) in ([], True)
    assert "nested more than 20 levels" in query_refusal(
        "SELECT * WHERE " + "{ " * 21 + "?s ?p ?o" + " }" * 21, max_depth=20
    )


def test_braces_inside_strings_do_not_count_towards_depth() -> None:
    braces = "{" * 500
    screen_query(f"SELECT * WHERE {{ ?s ?p \"{braces}\" . ?s ?p '''{braces}''' }} # {braces}")
