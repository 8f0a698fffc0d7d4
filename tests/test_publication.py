"""A release published: versions and their diff, the dataset description, ontology docs, examples.

Real builds of the fixture data into real folders; the diff test builds two releases whose data
differ by exactly one fact added, one removed and one changed.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from paths import GOOD
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from mgraph.cli import main
from mgraph.core.errors import InputError
from mgraph.publish.describe import check_description

DCAT = Namespace("http://www.w3.org/ns/dcat#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VOID = Namespace("http://rdfs.org/ns/void#")
SH = Namespace("http://www.w3.org/ns/shacl#")
ID = "https://w3id.org/mgraph/id/"

EDITS = (  # file, text before, text after: one fact changed, one removed, one added
    ("meetings.yaml", "  start: 2021-11-01\n", "  start: 2021-11-02\n"),
    ("meetings.yaml", "  end: 2013-10-11\n", ""),
    (
        "meetings.yaml",
        "  name: Fourth meeting of the Conference of the Parties\n",
        "  name: Fourth meeting of the Conference of the Parties\n  alt_names: [COP-4]\n",
    ),
    ("release.toml", '"2026.11.0"', '"2026.12.0"'),
    ("release.toml", "date = 2026-11-30", "date = 2026-12-07"),
)


def _edited_data(folder: Path) -> Path:
    shutil.copytree(GOOD, folder)
    for name, before, after in EDITS:
        text = (folder / name).read_text()
        assert text.count(before) >= 1, (name, before)
        (folder / name).write_text(text.replace(before, after, 1))
    return folder


@pytest.fixture(scope="module")
def releases(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("releases")
    old, new = root / "old", root / "new"
    assert main(["build", "--data", str(GOOD), "--out", str(old)]) == 0
    data = _edited_data(root / "data")
    assert main(["build", "--data", str(data), "--out", str(new), "--previous", str(old)]) == 0
    return old, new


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mgraph", *args], capture_output=True, text=True, check=False
    )


# --- the diff -----------------------------------------------------------------------------------------

EXPECTED = [
    {
        "change": "added",
        "entity": ID + "meeting/cop-4",
        "predicate": "http://www.w3.org/2004/02/skos/core#altLabel",
        "old": None,
        "new": {"value": "COP-4", "language": "en"},
        "sources": ["https://example.org/cop4"],
    },
    {
        "change": "changed",
        "entity": ID + "meeting/cop-4",
        "predicate": "https://schema.org/startDate",
        "old": {"value": "2021-11-01", "datatype": str(XSD.date)},
        "new": {"value": "2021-11-02", "datatype": str(XSD.date)},
        "sources": ["https://example.org/cop4"],
    },
    {
        "change": "removed",
        "entity": ID + "meeting/dipcon-2013",
        "predicate": "https://schema.org/endDate",
        "old": {"value": "2013-10-11", "datatype": str(XSD.date)},
        "new": None,
        "sources": ["https://example.org/dipcon"],
    },
]


def _essentials(changes: list[dict]) -> list[dict]:
    keys = ("change", "entity", "predicate", "old", "new", "sources")
    return [{k: c[k] for k in keys} for c in changes]


@pytest.mark.parametrize(
    "sides",
    [
        pytest.param(("release-old", "release-new"), id="release-folders"),
        pytest.param(("release-old/mercury.nt", "release-new/mercury.ttl"), id="rdf-files"),
        pytest.param(("data-old", "data-new"), id="data-folders"),
    ],
)
def test_diff_reports_exactly_the_three_changes_with_sources(releases, sides, tmp_path) -> None:
    old, new = releases
    places = {
        "release-old": old,
        "release-new": new,
        "data-old": GOOD,
        "data-new": new.parent / "data",
    }

    def where(spec: str) -> str:
        head, _, rest = spec.partition("/")
        return str(places[head] / rest) if rest else str(places[head])

    result = _run("diff", where(sides[0]), where(sides[1]), "--format", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert _essentials(document["changes"]) == EXPECTED
    assert document["counts"] == {"added": 1, "removed": 1, "changed": 1}


def test_diff_exit_codes(releases, tmp_path) -> None:
    old, new = releases
    assert _run("diff", str(old), str(new), "--exit-code").returncode == 1
    assert _run("diff", str(old), str(old), "--exit-code").returncode == 0
    assert _run("diff", str(old), str(new)).returncode == 0
    missing = _run("diff", str(old), str(tmp_path / "nowhere"))
    assert missing.returncode == 2
    assert "nowhere" in missing.stderr
    assert "Traceback" not in missing.stderr
    (tmp_path / "bad.ttl").write_text("<a> <b> .\n")
    bad = _run("diff", str(old), str(tmp_path / "bad.ttl"))
    assert bad.returncode == 2
    assert "bad.ttl" in bad.stderr


def test_diff_text_and_markdown_name_each_change_and_its_source(releases) -> None:
    old, new = releases
    text = _run("diff", str(old), str(new)).stdout
    assert "2026.11.0 -> 2026.12.0: 1 added, 1 removed, 1 changed (2 entities)" in text
    assert '~ schema:startDate "2021-11-01"^^xsd:date -> "2021-11-02"^^xsd:date' in text
    cop4 = text[text.index("meeting meeting:cop-4 ") :].split("\n\n")[0]
    assert "  source: https://example.org/cop4\n" in cop4  # said once: both changes have it
    markdown = _run("diff", str(old), str(new), "--format", "markdown").stdout
    assert markdown.startswith("## 2026.12.0 (2026-12-07)\n")
    assert "1 fact added, 1 removed, 1 changed, in 2 entities." in markdown
    assert "removed `schema:endDate`" in markdown
    assert "dipcon-2013`, changed); source: <https://example.org/dipcon>" in markdown


def test_diff_of_git_revisions(tmp_path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(GOOD, repo / "data")

    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)

    git("init", "-q")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "add", "data")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "old")
    shutil.rmtree(repo / "data")
    _edited_data(repo / "data")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qam", "new")
    from mgraph.publish.diff import compare, read_side

    result = compare(read_side("HEAD~1", repo=repo), read_side("HEAD", repo=repo))
    assert _essentials([c.as_dict() for c in result.changes]) == EXPECTED
    assert (result.old.version.version, result.new.version.version) == ("2026.11.0", "2026.12.0")
    (repo / "data" / "decisions.yaml").write_text("- id: mc-9-9\n  name: X\n  adopted_at: cop-7\n")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qam", "broken")
    with pytest.raises(InputError, match=r"^HEAD:data/decisions\.yaml:"):
        read_side("HEAD", repo=repo)
    with pytest.raises(InputError, match="not a release folder"):
        read_side("no-such-revision", repo=repo)


def test_changeset_rdf_holds_the_three_statements_with_sources(releases) -> None:
    _, new = releases
    graph = Graph().parse(new / "changes" / "2026.11.0--2026.12.0.ttl", format="turtle")
    cs = Namespace("http://purl.org/vocab/changeset/schema#")
    assert len(set(graph.subjects(RDF.type, cs.ChangeSet))) == 2
    additions = {
        (graph.value(s, RDF.object), graph.value(s, Namespace("http://www.w3.org/ns/prov#").wasDerivedFrom))
        for s in graph.objects(None, cs.addition)
    }
    removals = {graph.value(s, RDF.object) for s in graph.objects(None, cs.removal)}
    assert additions == {
        (Literal("COP-4", lang="en"), URIRef("https://example.org/cop4")),
        (Literal("2021-11-02", datatype=XSD.date), URIRef("https://example.org/cop4")),
    }
    assert removals == {Literal("2021-11-01", datatype=XSD.date), Literal("2013-10-11", datatype=XSD.date)}


def test_published_changes_hold_no_local_paths(releases) -> None:
    old, new = releases
    for path in (new / "changes").iterdir():
        text = path.read_text()
        assert str(old) not in text and str(new.parent) not in text, path.name
    document = json.loads((new / "changes" / "2026.11.0--2026.12.0.json").read_text())
    assert (document["old"]["name"], document["new"]["name"]) == ("release 2026.11.0", "release 2026.12.0")


def test_change_feed_and_changelog_follow_releases(releases) -> None:
    _, new = releases
    feed = json.loads((new / "changes" / "feed.jsonld").read_text())
    assert feed["type"] == "OrderedCollection"
    assert [i["type"] for i in feed["orderedItems"]] == ["Update", "Create"]
    latest = feed["orderedItems"][0]
    assert latest["object"]["id"].endswith("/2026.12.0")
    assert latest["published"] == "2026-12-07T00:00:00Z"
    for link in latest["result"]:
        assert (new / "changes" / link["href"]).is_file()
    changelog = (new / "CHANGELOG.md").read_text()
    assert changelog.index("## 2026.12.0") < changelog.index("## 2026.11.0")
    assert (new / "release.toml").read_text().count('version = "2026.12.0"') == 1


# --- the description ---------------------------------------------------------------------------------


def test_description_conforms_to_our_shapes(releases) -> None:
    _, new = releases
    conforms, report = check_description(Graph().parse(new / "void.ttl", format="turtle"))
    assert conforms, report


@pytest.mark.parametrize(
    "breakage",
    [
        pytest.param("licence", id="no-licence"),
        pytest.param("checksum", id="short-checksum"),
        pytest.param("date", id="modified-not-a-date"),
    ],
)
def test_description_missing_or_wrong_fails_our_shapes(releases, breakage) -> None:
    _, new = releases
    graph = Graph().parse(new / "void.ttl", format="turtle")
    dataset = next(graph.subjects(DCAT.version, None))
    if breakage == "licence":
        graph.remove((dataset, DCTERMS.license, None))
    elif breakage == "checksum":
        checksum = next(graph.subjects(RDF.type, SPDX.Checksum))
        graph.set((checksum, SPDX.checksumValue, Literal("abc123", datatype=XSD.hexBinary)))
    else:
        graph.set((dataset, DCTERMS.modified, Literal("last week")))
    conforms, report = check_description(graph)
    assert not conforms
    assert {"licence": "licence", "checksum": "SHA-256", "date": "modification date"}[breakage] in report


def test_description_checksums_sizes_and_counts_match_the_files(releases) -> None:
    _, new = releases
    graph = Graph().parse(new / "void.ttl", format="turtle")
    distributions = list(graph.subjects(RDF.type, DCAT.Distribution))
    assert len(distributions) == 6
    for dist in distributions:
        url = str(graph.value(dist, DCAT.downloadURL))
        content = (new / url.rsplit("/", 1)[1]).read_bytes()
        checksum = graph.value(dist, SPDX.checksum)
        assert str(graph.value(checksum, SPDX.checksumValue)) == hashlib.sha256(content).hexdigest(), url
        assert int(graph.value(dist, DCAT.byteSize)) == len(content), url
    dataset = next(graph.subjects(DCAT.version, None))
    data = Graph().parse(new / "mercury.nt", format="nt")
    assert int(graph.value(dataset, VOID.triples)) == len(data)
    assert str(graph.value(dataset, DCAT.version)) == "2026.12.0"
    assert str(graph.value(dataset, DCTERMS.modified)) == "2026-12-07"
    decisions = len(set(data.subjects(RDF.type, URIRef("https://w3id.org/mgraph/ontology#Decision"))))
    partition = next(
        p
        for p in graph.objects(dataset, VOID.classPartition)
        if graph.value(p, VOID["class"]) == URIRef("https://w3id.org/mgraph/ontology#Decision")
    )
    assert int(graph.value(partition, VOID.entities)) == decisions


def test_schema_org_dataset_cff_and_zenodo(releases) -> None:
    _, new = releases
    document = json.loads((new / "dataset.jsonld").read_text())
    assert document["@type"] == "Dataset"
    assert 50 <= len(document["description"]) <= 5000
    assert document["version"] == "2026.12.0"
    assert document["dateModified"] == "2026-12-07"
    for download in document["distribution"]:
        content = (new / download["contentUrl"].rsplit("/", 1)[1]).read_bytes()
        assert download["sha256"] == hashlib.sha256(content).hexdigest()
    import yaml

    cff = yaml.safe_load((new / "CITATION.cff").read_text())
    assert {"cff-version", "message", "title", "authors"} <= set(cff)
    assert cff["cff-version"] == "1.2.0"
    assert (cff["version"], cff["date-released"], cff["type"]) == ("2026.12.0", "2026-12-07", "dataset")
    assert all(author.get("name") for author in cff["authors"])
    zenodo = json.loads((new / ".zenodo.json").read_text())
    assert zenodo["upload_type"] == "dataset"
    assert zenodo["version"] == "2026.12.0"
    assert zenodo["publication_date"] == "2026-12-07"


# --- ontology documentation and the query library as RDF ---------------------------------------------


def test_ontology_docs_document_every_term_with_anchor_counts_and_shapes(releases) -> None:
    _, new = releases
    html = (new / "docs" / "index.html").read_text()
    ontology = Graph().parse(new / "ontology.ttl", format="turtle")
    mg = "https://w3id.org/mgraph/ontology#"
    owl = Namespace("http://www.w3.org/2002/07/owl#")
    terms = {
        str(t)
        for cls in (owl.Class, owl.ObjectProperty, owl.DatatypeProperty)
        for t in ontology.subjects(RDF.type, cls)
        if str(t).startswith(mg)
    }
    assert len(terms) > 50
    for term in terms:
        assert f'id="{term[len(mg) :]}"' in html, term
    decision = html[html.index('id="Decision"') :]
    decision = decision[: decision.index("</section>")]
    assert "A formal decision adopted by a meeting" in decision
    assert '<dd class="count">1</dd>' in decision
    assert "mgsh:RecordShape" in decision
    adopted = html[html.index('id="adoptedAt"') :]
    adopted = adopted[: adopted.index("</section>")]
    assert 'href="#Meeting"' in adopted  # its range


def test_sparql_examples_hold_every_library_query(releases) -> None:
    from mgraph.queries.library import library

    _, new = releases
    graph = Graph().parse(new / "sparql-examples.ttl", format="turtle")
    executables = set(graph.subjects(RDF.type, SH.SPARQLExecutable))
    queries = library()
    assert len(executables) == len(queries)
    for name, query in queries.items():
        node = URIRef(f"https://w3id.org/mgraph/queries/{name}")
        assert node in executables, name
        text = graph.value(node, SH.select) or graph.value(node, SH.ask) or graph.value(node, SH.construct)
        assert str(text) == query.text, name
        assert graph.value(node, Namespace("http://www.w3.org/2000/01/rdf-schema#").comment) is not None
        assert graph.value(node, Namespace("https://schema.org/").target) is not None
        params = {str(graph.value(p, SH.name)) for p in graph.objects(node, SH.parameter)}
        assert params == {p.name for p in query.params}, name


def test_library_functions_describe_a_built_release_as_the_build_wrote_it(releases) -> None:
    from mgraph.publish.describe import description_turtle, release_description, release_schema_org, to_json
    from mgraph.publish.ontology_docs import render_release

    _, new = releases
    assert description_turtle(release_description(new)) == (new / "void.ttl").read_bytes()
    assert to_json(release_schema_org(new)) == (new / "dataset.jsonld").read_bytes()
    assert render_release(new).encode() == (new / "docs" / "index.html").read_bytes()
