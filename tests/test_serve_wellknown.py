"""``mgraph serve`` describes what it serves: /.well-known/void, /.well-known/sparql-examples,
/ontology, and the schema.org JSON-LD embedded in its pages. A real server on 127.0.0.1."""

from __future__ import annotations

import json
import re

import httpx
import pytest
from paths import GOOD
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF
from serve_support import start

from mgraph.cli import main

VOID = Namespace("http://rdfs.org/ns/void#")
SH = Namespace("http://www.w3.org/ns/shacl#")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    folder = tmp_path_factory.mktemp("wellknown")
    assert main(["build", "--data", str(GOOD), "--out", str(folder / "dist")]) == 0
    server = start(folder, str(folder / "dist" / "mercury.nt"), "--workers", "1", "--quiet")
    yield server, folder / "dist"
    server.stop()


def test_void_describes_the_served_graph_and_its_endpoint(served) -> None:
    server, dist = served
    response = httpx.get(f"{server.url}/.well-known/void", timeout=30)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=response.text, format="turtle")
    dataset = next(graph.subjects(VOID.sparqlEndpoint, None))
    assert graph.value(dataset, VOID.sparqlEndpoint) == URIRef(f"{server.url}/sparql")
    triples = len(Graph().parse(dist / "mercury.nt", format="nt"))
    assert int(graph.value(dataset, VOID.triples)) == triples
    as_jsonld = httpx.get(
        f"{server.url}/.well-known/void", headers={"Accept": "application/ld+json"}, timeout=30
    )
    assert as_jsonld.headers["content-type"].startswith("application/ld+json")
    assert "@context" in json.loads(as_jsonld.text)


def test_void_refuses_a_format_it_cannot_send(served) -> None:
    server, _ = served
    response = httpx.get(f"{server.url}/.well-known/void", headers={"Accept": "image/png"}, timeout=30)
    assert response.status_code == 406


def test_sparql_examples_target_this_endpoint(served) -> None:
    from mgraph.queries.library import library

    server, _ = served
    response = httpx.get(f"{server.url}/.well-known/sparql-examples", timeout=60)
    assert response.status_code == 200
    graph = Graph().parse(data=response.text, format="turtle")
    executables = set(graph.subjects(RDF.type, SH.SPARQLExecutable))
    assert len(executables) == len(library())
    targets = {graph.value(e, URIRef("https://schema.org/target")) for e in executables}
    assert targets == {URIRef(f"{server.url}/sparql")}


def test_ontology_page_documents_terms_with_served_counts(served) -> None:
    server, dist = served
    response = httpx.get(f"{server.url}/ontology", timeout=60)
    assert response.status_code == 200
    html = response.text
    decision = html[html.index('id="Decision"') :]
    decision = decision[: decision.index("</section>")]
    decisions = len(
        set(
            Graph()
            .parse(dist / "mercury.nt", format="nt")
            .subjects(RDF.type, URIRef("https://w3id.org/mgraph/ontology#Decision"))
        )
    )
    assert f'<dd class="count">{decisions}</dd>' in decision
    assert 'id="adoptedAt"' in html
    assert 'href="/id/decision/' in decision  # the example links to the server's own page


@pytest.mark.parametrize(
    "path", [pytest.param("/", id="query-page"), pytest.param("/ontology", id="ontology")]
)
def test_pages_embed_the_dataset_jsonld(served, path) -> None:
    server, _ = served
    html = httpx.get(f"{server.url}{path}", timeout=60).text
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(scripts) == 1
    document = json.loads(scripts[0])
    assert document["@type"] == "Dataset"
    assert 50 <= len(document["description"]) <= 5000


def test_class_and_entity_pages_link_to_their_vocabulary_entries(served) -> None:
    server, _ = served
    vocabulary = httpx.get(f"{server.url}/ontology", timeout=60).text
    class_page = httpx.get(f"{server.url}/class/Decision", timeout=60).text
    assert 'href="/ontology#Decision"' in class_page
    entity = httpx.get(f"{server.url}/id/decision/mc-4-3", timeout=60).text
    anchors = set(re.findall(r'href="/ontology#([^"]+)"', entity))
    assert "adoptedAt" in anchors
    for anchor in anchors:
        assert f'id="{anchor}"' in vocabulary, anchor
