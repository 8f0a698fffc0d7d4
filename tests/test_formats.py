"""One table of RDF and result formats (mgraph/core/formats.py): each format named once, every
spelling users wrote before still accepted, the tables of input, output, query and the server
read from it, and the table agreeing with rdflib and pyoxigraph."""

from __future__ import annotations

import subprocess
import sys

import pyoxigraph as ox
import pytest
import rdflib.plugin
from paths import TINY
from rdflib.parser import Parser
from rdflib.query import ResultParser

from mgraph.core import formats
from mgraph.core.errors import InputError
from mgraph.core.formats import BY_NAME, FORMATS, RDF, RESULTS, WRITTEN, find
from mgraph.core.user_files import EXTENSIONS, parse_user_file

# The tables as they were written before the one table (in user_files, negotiation, worker,
# describe, site): every spelling they accepted must still mean the same format.
OLD_INPUT_SPELLINGS = {
    **dict.fromkeys(("turtle", "ttl", "text/turtle"), "turtle"),
    **dict.fromkeys(("nt", "ntriples", "n-triples"), "ntriples"),
    **dict.fromkeys(("nquads", "nq", "n-quads"), "nquads"),
    "trig": "trig",
    "n3": "n3",
    **dict.fromkeys(("xml", "rdf", "owl", "rdf/xml", "rdfxml", "application/rdf+xml"), "rdfxml"),
    **dict.fromkeys(("json-ld", "jsonld", "json"), "jsonld"),
}
OLD_EXTENSIONS = [".ttl", ".nt", ".nq", ".trig", ".n3", ".rdf", ".owl", ".xml", ".jsonld", ".json"]
OLD_SERVER_NAMES = {
    "json": "json",
    "srj": "json",
    "xml": "xml",
    "srx": "xml",
    "csv": "csv",
    "tsv": "tsv",
    "turtle": "turtle",
    "ttl": "turtle",
    "ntriples": "ntriples",
    "nt": "ntriples",
    "n-triples": "ntriples",
    "jsonld": "jsonld",
    "json-ld": "jsonld",
    "html": "html",
}
OLD_RESULTS_TYPES = {
    "json": ("application/sparql-results+json", "application/json"),
    "xml": ("application/sparql-results+xml", "application/xml", "text/xml"),
    "csv": ("text/csv",),
    "tsv": ("text/tab-separated-values",),
}
OLD_GRAPH_TYPES = {
    "turtle": ("text/turtle", "application/x-turtle"),
    "ntriples": ("application/n-triples", "text/plain"),
    "jsonld": ("application/ld+json", "application/json"),
}


def test_each_format_is_named_once():
    spellings = [s for f in FORMATS for s in (f.name, *f.aliases)]
    assert len(spellings) == len(set(spellings)), "a name or alias means two formats"
    for kind in (RDF, RESULTS):
        extensions = [e for f in formats.of_kind(kind) for e in f.extensions]
        assert len(extensions) == len(set(extensions)), f"an extension means two {kind} formats"
    assert {f.name for f in FORMATS} == {
        *("turtle", "ntriples", "nquads", "trig", "n3", "rdfxml", "jsonld"),
        *("json", "xml", "csv", "tsv"),
    }


@pytest.mark.parametrize(("spelling", "name"), sorted(OLD_INPUT_SPELLINGS.items()))
def test_every_input_spelling_of_before_still_works(spelling, name):
    assert find(spelling, RDF) is BY_NAME[name]
    assert find(spelling.upper() + " ", RDF) is BY_NAME[name]  # any case, spaces ignored


def test_an_unknown_spelling_is_none_and_refused_by_input():
    assert find("yaml", RDF) is None and find("nt", RESULTS) is None and find("") is None
    with pytest.raises(InputError, match="use one of: turtle, ntriples, nquads, trig, n3, rdfxml, jsonld"):
        parse_user_file(TINY, format="yaml")


def test_the_input_extensions_are_those_of_before_in_their_order():
    assert list(EXTENSIONS) == OLD_EXTENSIONS
    assert EXTENSIONS[".nt"] == "ntriples" and EXTENSIONS[".json"] == "jsonld"


@pytest.mark.parametrize("spelling", ["turtle", "ttl", "text/turtle", "TTL"])
def test_a_file_reads_with_any_spelling_of_its_format(spelling):
    graph = parse_user_file(TINY, format=spelling)
    assert len(graph) > 0


def test_a_file_in_the_wrong_format_is_refused(tmp_path):
    path = tmp_path / "graph.data"
    path.write_bytes(TINY.read_bytes())
    with pytest.raises(InputError, match="N-Triples syntax error"):
        parse_user_file(path, format="nt")


def test_the_server_reads_the_table_with_the_names_and_types_of_before():
    from mgraph.server import negotiation, worker

    assert negotiation.FORMAT_NAMES == OLD_SERVER_NAMES
    assert negotiation.RESULTS_TYPES == OLD_RESULTS_TYPES
    assert negotiation.GRAPH_TYPES == OLD_GRAPH_TYPES
    assert worker.RESULTS_FORMATS == tuple(OLD_RESULTS_TYPES) and worker.GRAPH_FORMATS == WRITTEN
    assert not negotiation.accepted_format("nquads")  # a format we do not serve stays a 400


def test_release_files_site_files_query_and_exports_name_the_same_formats():
    from mgraph.exporters import get
    from mgraph.publish.describe import MEDIA_TYPES
    from mgraph.queries import GRAPH_FORMATS
    from mgraph.site import _FORMATS

    assert WRITTEN == GRAPH_FORMATS == ("turtle", "ntriples", "jsonld")
    assert MEDIA_TYPES[".ttl"] == "text/turtle" and MEDIA_TYPES[".nt"] == "application/n-triples"
    assert MEDIA_TYPES[".jsonld"] == "application/ld+json" and MEDIA_TYPES[".json"] == "application/json"
    assert list(_FORMATS) == ["ttl", "nt", "jsonld"]
    for name in WRITTEN:
        exporter = get(name)
        assert (f".{exporter.EXTENSION}", exporter.MEDIA_TYPE) == (
            BY_NAME[name].extensions[0],
            BY_NAME[name].media_types[0],
        )


@pytest.mark.parametrize("fmt", [pytest.param(f, id=f.name) for f in FORMATS])
def test_the_table_agrees_with_pyoxigraph_and_rdflib(fmt):
    engine = fmt.pyoxigraph()
    if fmt.kind == RDF:
        assert ox.RdfFormat.from_media_type(fmt.media_types[0]) == engine
        assert ox.RdfFormat.from_extension(fmt.extensions[0][1:]) == engine
        assert rdflib.plugin.get(fmt.rdflib, Parser) is not None
    else:
        assert ox.QueryResultsFormat.from_media_type(fmt.media_types[0]) == engine
        assert rdflib.plugin.get(fmt.rdflib, ResultParser) is not None


def test_the_table_imports_no_library():
    code = (
        "import sys\nimport mgraph.core.formats, mgraph.queries, mgraph.exporters\n"
        "import mgraph.server.negotiation\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('rdflib', 'pyoxigraph', 'networkx')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
