"""The dataset described for catalogues and search engines: DCAT 3 + VoID, schema.org, CFF, Zenodo.

Everything is derived from the release itself, never from the clock: the data version and its
dates (``data/release.toml``, :mod:`mgraph.publish.dataversion`), the statistics of the graph (counted by
SPARQL, :data:`STATS_QUERIES`, the same queries for a build and for ``mgraph serve``) and the
release files (media types, byte sizes, SHA-256 checksums).

- :func:`dataset_description` gives the DCAT 3 + VoID graph (``dist/void.ttl``): a
  ``dcat:Dataset`` and ``void:Dataset`` with title, description, licence, version, publisher,
  issued and modified dates, a ``dcat:Distribution`` per release file (with ``spdx:checksum``),
  triple counts, class and property partitions, example resources, the vocabularies used and,
  when given, the SPARQL endpoint serving it.
- :func:`schema_org` gives the same as a schema.org ``Dataset`` in JSON-LD (``dist/dataset.jsonld``,
  the form Google Dataset Search reads).
- :func:`citation_cff` and :func:`zenodo_json` give ``CITATION.cff`` and ``.zenodo.json``.

The description holds no blank nodes: partitions, checksums and the publisher have IRIs under
the dataset's, so it serialises through :mod:`mgraph.core.serialize` byte for byte the same.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mgraph.core.formats import BY_NAME, WRITTEN
from mgraph.publish.dataversion import DataVersion

if TYPE_CHECKING:
    import pyoxigraph as ox
    from rdflib import Graph

DATASET = "https://w3id.org/mgraph/dataset"
"""The dataset across its versions; each version is ``<DATASET>/<version>``."""

TITLE = "mgraph: a knowledge graph of mercury governance"
DESCRIPTION = (
    "A sourced knowledge graph of mercury governance: the Minamata Convention on Mercury, its "
    "articles and annexes, the meetings of its Conference of the Parties and the decisions they "
    "adopted, the signatures, ratifications and other legal acts by which States and regional "
    "economic integration organisations joined it, the UNEP Global Mercury Partnership and its "
    "partnership areas, and the organisations, people, projects and events around them. Every fact "
    "carries the public source it was taken from; disputed and approximate values are kept as "
    "claims with their own sources. Published as RDF (Turtle, N-Triples, JSON-LD) with its OWL "
    "ontology, SHACL shapes and a library of SPARQL queries."
)
KEYWORDS = (
    "mercury",
    "Minamata Convention",
    "environmental governance",
    "multilateral environmental agreements",
    "knowledge graph",
    "linked data",
)
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
LICENSE_SPDX = "CC-BY-4.0"
PUBLISHER = "mgraph contributors"

MEDIA_TYPES = {
    **{BY_NAME[name].extensions[0]: BY_NAME[name].media_types[0] for name in WRITTEN},
    ".html": "text/html",
    ".md": "text/markdown",
    ".json": "application/json",
}
"""The media type of each kind of release file, by extension (the RDF ones from
:mod:`mgraph.core.formats`)."""
DISTRIBUTIONS = (
    ("mercury.ttl", "The graph in Turtle"),
    ("mercury.nt", "The graph in N-Triples, one sorted line per triple"),
    ("mercury.jsonld", "The graph in JSON-LD (flattened, with context.jsonld)"),
    ("ontology.ttl", "The OWL ontology of the graph's classes and properties"),
    ("shapes.ttl", "The SHACL shapes the graph is validated against"),
    ("sparql-examples.ttl", "The SPARQL query library as SHACL executables (SIB sparql-examples form)"),
)
"""The release files a catalogue lists as distributions, in order (present ones only)."""

EXAMPLE_CLASSES = ("Convention", "Decision", "ConferenceOfTheParties", "State", "LegalAct", "Event")
"""Classes whose first instance is given as a ``void:exampleResource``."""

_ID = "https://w3id.org/mgraph/id/"
_MG = "https://w3id.org/mgraph/ontology#"

STATS_QUERIES: dict[str, str] = {
    "totals": """SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects)
    (COUNT(DISTINCT ?o) AS ?objects) WHERE { ?s ?p ?o }""",
    "entities": """SELECT (COUNT(DISTINCT ?s) AS ?entities) WHERE {
  ?s ?p ?o FILTER (isIRI(?s) && STRSTARTS(STR(?s), "https://w3id.org/mgraph/id/"))
}""",
    "classes": """SELECT ?term ?count ?example (MIN(STR(?l)) AS ?label) WHERE {
  { SELECT ?term (COUNT(DISTINCT ?x) AS ?count) (MIN(?x) AS ?example) WHERE { ?x a ?term } GROUP BY ?term }
  OPTIONAL { ?example <http://www.w3.org/2000/01/rdf-schema#label> ?l }
} GROUP BY ?term ?count ?example""",
    "properties": """SELECT ?term ?count ?example (MIN(STR(?l)) AS ?label) (MIN(STR(?o)) AS ?value) WHERE {
  { SELECT ?term (COUNT(*) AS ?count) (MIN(?s) AS ?example) WHERE { ?s ?term ?x } GROUP BY ?term }
  ?example ?term ?o .
  OPTIONAL { ?example <http://www.w3.org/2000/01/rdf-schema#label> ?l }
} GROUP BY ?term ?count ?example""",
}
"""The statistics of a graph, as SPARQL: one code path for a build and for a served store."""


@dataclass(frozen=True)
class TermUse:
    """How often a class (instances) or property (triples) is used, with one example."""

    count: int
    example: str
    label: str = ""
    value: str = ""


@dataclass
class GraphStats:
    """Counts of a graph, from :data:`STATS_QUERIES`."""

    triples: int = 0
    subjects: int = 0
    objects: int = 0
    entities: int = 0
    classes: dict[str, TermUse] = field(default_factory=dict)
    properties: dict[str, TermUse] = field(default_factory=dict)


Rows = list[dict[str, str]]


def stats_from_rows(rows: Mapping[str, Rows]) -> GraphStats:
    """:class:`GraphStats` from the rows of each of :data:`STATS_QUERIES` (values as strings)."""
    totals = rows["totals"][0] if rows["totals"] else {}
    entities = rows["entities"][0] if rows["entities"] else {}

    def uses(name: str) -> dict[str, TermUse]:
        found = {}
        for row in rows[name]:
            found[row["term"]] = TermUse(
                int(row["count"]), row.get("example", ""), row.get("label", ""), row.get("value", "")
            )
        return dict(sorted(found.items()))

    return GraphStats(
        int(totals.get("triples", 0)),
        int(totals.get("subjects", 0)),
        int(totals.get("objects", 0)),
        int(entities.get("entities", 0)),
        uses("classes"),
        uses("properties"),
    )


def stats_of_store(store: Any) -> GraphStats:
    """:class:`GraphStats` of a store (a :class:`~mgraph.core.store.OxigraphStore`, or the
    pyoxigraph store it wraps)."""
    from mgraph.core.store import OxigraphStore

    held = store if isinstance(store, OxigraphStore) else OxigraphStore(store)
    rows: dict[str, Rows] = {name: held.lexical_rows(query) for name, query in STATS_QUERIES.items()}
    return stats_from_rows(rows)


def stats_of_triples(triples: list[ox.Triple]) -> GraphStats:
    """:class:`GraphStats` of pyoxigraph triples (as :func:`mgraph.core.serialize.prepare` gives them)."""
    from mgraph.core.store import OxigraphStore

    store = OxigraphStore()
    store.add_triples(triples)
    return stats_of_store(store)


async def stats_async(select: Callable[[str], Any]) -> GraphStats:
    """:class:`GraphStats` through an async ``select(query) -> SPARQL JSON bindings`` (the server's)."""
    rows: dict[str, Rows] = {}
    for name, query in STATS_QUERIES.items():
        bindings = await select(query)
        rows[name] = [{k: v["value"] for k, v in b.items()} for b in bindings]
    return stats_from_rows(rows)


# --- the release files -----------------------------------------------------------------------------


@dataclass(frozen=True)
class FileInfo:
    name: str
    size: int
    sha256: str
    media_type: str


def file_info(files: Mapping[str, bytes]) -> dict[str, FileInfo]:
    """Size, SHA-256 and media type of each release file, by name."""
    return {
        name: FileInfo(
            name,
            len(content),
            hashlib.sha256(content).hexdigest(),
            MEDIA_TYPES.get(Path(name).suffix, "application/octet-stream"),
        )
        for name, content in sorted(files.items())
    }


def files_of(dist_dir: str | Path) -> dict[str, bytes]:
    """The distribution files present in a release folder."""
    folder = Path(dist_dir)
    return {name: (folder / name).read_bytes() for name, _ in DISTRIBUTIONS if (folder / name).is_file()}


def version_iri(version: DataVersion) -> str:
    return f"{DATASET}/{version.version}"


# --- DCAT 3 + VoID ---------------------------------------------------------------------------------


def dataset_description(
    version: DataVersion,
    stats: GraphStats,
    files: Mapping[str, bytes] | None = None,
    *,
    endpoint: str | None = None,
    base: str | None = None,
) -> Graph:
    """The DCAT 3 + VoID description of one version of the dataset.

    ``files`` are the release files to list as distributions (those of :data:`DISTRIBUTIONS`
    present); ``base`` is where they are downloaded from (default: the version's IRI + ``/``);
    ``endpoint`` is the SPARQL endpoint serving the data, when it is served.
    """
    from rdflib import Graph, Literal, Namespace, URIRef
    from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, VOID, XSD

    from mgraph.core.namespaces import PREFIX_IRIS

    spdx = Namespace("http://spdx.org/rdf/terms#")
    DCAT = Namespace("http://www.w3.org/ns/dcat#")  # noqa: N806 (rdflib's DCAT is DCAT 2: no dcat:version)
    graph = Graph()
    for prefix, namespace in (("dcat", DCAT), ("void", VOID), ("foaf", FOAF), ("spdx", spdx)):
        graph.bind(prefix, namespace)
    dataset = URIRef(version_iri(version))
    series = URIRef(DATASET)
    add = graph.add
    for cls in (DCAT.Dataset, VOID.Dataset):
        add((dataset, RDF.type, cls))
    add((dataset, DCTERMS.title, Literal(TITLE, lang="en")))
    add((dataset, DCTERMS.description, Literal(DESCRIPTION, lang="en")))
    add((dataset, DCTERMS.license, URIRef(LICENSE)))
    add((dataset, DCTERMS.identifier, Literal(str(dataset))))
    add((dataset, DCAT.version, Literal(version.version)))
    add((dataset, DCAT.isVersionOf, series))
    add((series, RDF.type, DCAT.Dataset))
    add((series, DCAT.hasVersion, dataset))
    add((series, DCTERMS.title, Literal(TITLE, lang="en")))
    for keyword in KEYWORDS:
        add((dataset, DCAT.keyword, Literal(keyword, lang="en")))
    if version.first_issued:
        add((dataset, DCTERMS.issued, Literal(version.first_issued.isoformat(), datatype=XSD.date)))
    if version.date:
        add((dataset, DCTERMS.modified, Literal(version.date.isoformat(), datatype=XSD.date)))
    publisher = URIRef(f"{DATASET}#publisher")
    add((dataset, DCTERMS.publisher, publisher))
    add((dataset, DCTERMS.creator, publisher))
    add((publisher, RDF.type, FOAF.Agent))
    add((publisher, FOAF.name, Literal(PUBLISHER)))
    add((dataset, DCTERMS.conformsTo, URIRef("https://w3id.org/mgraph/ontology")))
    add((dataset, DCTERMS.conformsTo, URIRef("https://w3id.org/mgraph/shapes")))
    add((dataset, VOID.uriSpace, Literal(_ID)))
    add((dataset, VOID.feature, URIRef("http://www.w3.org/ns/formats/Turtle")))
    add((dataset, VOID.feature, URIRef("http://www.w3.org/ns/formats/N-Triples")))
    add((dataset, VOID.feature, URIRef("http://www.w3.org/ns/formats/JSON-LD")))
    if endpoint:
        add((dataset, VOID.sparqlEndpoint, URIRef(endpoint)))
        service = URIRef(f"{dataset}#sparql-service")
        add((service, RDF.type, DCAT.DataService))
        add((service, DCAT.endpointURL, URIRef(endpoint)))
        add((service, DCAT.servesDataset, dataset))
        add((service, DCTERMS.title, Literal("SPARQL endpoint of mgraph serve", lang="en")))
        add((dataset, DCAT.accessService, service))

    prefix = base if base is not None else f"{dataset}/"
    for name, info in file_info({n: c for n, c in (files or {}).items() if n in dict(DISTRIBUTIONS)}).items():
        dist = URIRef(f"{dataset}#dist-{name}")
        add((dataset, DCAT.distribution, dist))
        add((dist, RDF.type, DCAT.Distribution))
        add((dist, DCTERMS.title, Literal(dict(DISTRIBUTIONS)[name], lang="en")))
        add((dist, DCAT.downloadURL, URIRef(prefix + name)))
        add((dist, DCAT.mediaType, URIRef(f"https://www.iana.org/assignments/media-types/{info.media_type}")))
        add((dist, DCAT.byteSize, Literal(info.size, datatype=XSD.nonNegativeInteger)))
        add((dist, DCTERMS.license, URIRef(LICENSE)))
        checksum = URIRef(f"{dataset}#sha256-{name}")
        add((dist, spdx.checksum, checksum))
        add((checksum, RDF.type, spdx.Checksum))
        add((checksum, spdx.algorithm, spdx.checksumAlgorithm_sha256))
        add((checksum, spdx.checksumValue, Literal(info.sha256, datatype=XSD.hexBinary)))
        if name.startswith("mercury."):
            add((dataset, VOID.dataDump, URIRef(prefix + name)))

    count = XSD.integer
    add((dataset, VOID.triples, Literal(stats.triples, datatype=count)))
    add((dataset, VOID.entities, Literal(stats.entities, datatype=count)))
    add((dataset, VOID.distinctSubjects, Literal(stats.subjects, datatype=count)))
    add((dataset, VOID.distinctObjects, Literal(stats.objects, datatype=count)))
    add((dataset, VOID.classes, Literal(len(stats.classes), datatype=count)))
    add((dataset, VOID.properties, Literal(len(stats.properties), datatype=count)))
    for iri, use in stats.classes.items():
        part = URIRef(f"{dataset}#class-{_fragment(iri)}")
        add((dataset, VOID.classPartition, part))
        add((part, VOID["class"], URIRef(iri)))
        add((part, VOID.entities, Literal(use.count, datatype=count)))
    for iri, use in stats.properties.items():
        part = URIRef(f"{dataset}#property-{_fragment(iri)}")
        add((dataset, VOID.propertyPartition, part))
        add((part, VOID.property, URIRef(iri)))
        add((part, VOID.triples, Literal(use.count, datatype=count)))
    for local in EXAMPLE_CLASSES:
        example = stats.classes.get(_MG + local)
        if example and example.example:
            add((dataset, VOID.exampleResource, URIRef(example.example)))
    for used in vocabularies(stats, list(PREFIX_IRIS.values())):
        add((dataset, VOID.vocabulary, URIRef(used)))
    add((dataset, RDFS.seeAlso, URIRef(f"{prefix}sparql-examples.ttl")))
    add((dataset, RDFS.seeAlso, URIRef(f"{prefix}changes/feed.jsonld")))  # the change feed
    add((dataset, RDFS.seeAlso, URIRef(f"{prefix}docs/index.html")))  # the ontology documentation
    return graph


def vocabularies(stats: GraphStats, known: list[str]) -> list[str]:
    """The namespaces of the classes and properties used (a known namespace, else up to # or /)."""
    found = set()
    for iri in [*stats.classes, *stats.properties]:
        namespace = next((ns for ns in sorted(known, key=len, reverse=True) if iri.startswith(ns)), None)
        if namespace is None:
            cut = max(iri.rfind("#"), iri.rfind("/"))
            namespace = iri[: cut + 1]
        if namespace != _ID:
            found.add(namespace)
    return sorted(found)


def _fragment(iri: str) -> str:
    """A readable, unique fragment for an IRI: its compact form made safe, plus a short digest."""
    from mgraph.core.terms import compact_iri

    short = "".join(c if c.isalnum() or c in "-_." else "-" for c in compact_iri(iri))
    return f"{short}-{hashlib.sha256(iri.encode()).hexdigest()[:8]}"


def description_turtle(graph: Graph) -> bytes:
    """The description as sorted Turtle (the release's own serialiser: the same bytes every time)."""
    from mgraph.core.serialize import prepare, to_turtle

    prefixes = {
        "dcat": "http://www.w3.org/ns/dcat#",
        "void": "http://rdfs.org/ns/void#",
        "foaf": "http://xmlns.com/foaf/0.1/",
        "spdx": "http://spdx.org/rdf/terms#",
    }
    return to_turtle(prepare(graph), extra_prefixes=prefixes)


# --- schema.org, CFF, Zenodo ------------------------------------------------------------------------


def schema_org(
    version: DataVersion,
    stats: GraphStats,
    files: Mapping[str, bytes] | None = None,
    *,
    base: str | None = None,
) -> dict[str, Any]:
    """The same description as a schema.org ``Dataset`` (JSON-LD, as Google Dataset Search reads it).

    schema.org has no term for triple counts: ``stats`` gives the triples and entities as ``size``,
    in words; the counts proper are in the DCAT/VoID description.
    """
    dataset = version_iri(version)
    prefix = base if base is not None else f"{dataset}/"
    document: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": dataset,
        "name": TITLE,
        "description": DESCRIPTION,
        "url": dataset,
        "identifier": dataset,
        "version": version.version,
        "license": LICENSE,
        "isAccessibleForFree": True,
        "keywords": list(KEYWORDS),
        "creator": {"@type": "Organization", "name": PUBLISHER},
        "publisher": {"@type": "Organization", "name": PUBLISHER},
        "inLanguage": "en",
        "isPartOf": DATASET,
        "size": f"{stats.triples} triples about {stats.entities} entities" if stats.entities else None,
        "distribution": [
            {
                "@type": "DataDownload",
                "name": dict(DISTRIBUTIONS)[name],
                "contentUrl": prefix + name,
                "encodingFormat": info.media_type,
                "contentSize": f"{info.size} B",
                "sha256": info.sha256,
            }
            for name, info in file_info(
                {n: c for n, c in (files or {}).items() if n in dict(DISTRIBUTIONS)}
            ).items()
        ],
    }
    document = {k: v for k, v in document.items() if v is not None}
    if version.first_issued:
        document["datePublished"] = version.first_issued.isoformat()
    if version.date:
        document["dateModified"] = version.date.isoformat()
    return document


def to_json(document: Any) -> bytes:
    return (json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def citation_cff(version: DataVersion) -> bytes:
    """``CITATION.cff`` (Citation File Format 1.2.0) for this version of the data."""
    lines = [
        "# Generated by `mgraph build` from data/release.toml: do not edit by hand.",
        "cff-version: 1.2.0",
        'message: "If you use this dataset, please cite it as below."',
        "type: dataset",
        f"title: {json.dumps(TITLE)}",
        f"version: {json.dumps(version.version)}",
        f"license: {LICENSE_SPDX}",
        f"url: {json.dumps(version_iri(version))}",
        "authors:",
        f"  - name: {json.dumps(PUBLISHER)}",
        f"abstract: {json.dumps(DESCRIPTION)}",
        "keywords:",
        *[f"  - {json.dumps(k)}" for k in KEYWORDS],
    ]
    if version.date:
        lines.insert(7, f"date-released: {json.dumps(version.date.isoformat())}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def zenodo_json(version: DataVersion) -> bytes:
    """The metadata of a Zenodo deposit (``.zenodo.json``, as Zenodo's GitHub integration reads it)."""
    document: dict[str, Any] = {
        "title": f"{TITLE} ({version.version})",
        "description": DESCRIPTION,
        "upload_type": "dataset",
        "version": version.version,
        "license": LICENSE_SPDX.lower(),
        "access_right": "open",
        "creators": [{"name": PUBLISHER}],
        "keywords": list(KEYWORDS),
        "related_identifiers": [
            {"identifier": version_iri(version), "relation": "isIdenticalTo", "resource_type": "dataset"},
        ],
    }
    if version.date:
        document["publication_date"] = version.date.isoformat()
    return to_json(document)


# --- checking ----------------------------------------------------------------------------------------


def check_description(graph: Graph) -> tuple[bool, str]:
    """Validate a description against our shapes for it (``ontology/description-shapes.ttl``).

    Returns whether it conforms and pyshacl's report text.
    """
    from pyshacl import validate
    from rdflib import Graph

    from mgraph.core import locations

    shapes = Graph().parse(locations.ROOT / "ontology" / "description-shapes.ttl", format="turtle")
    conforms, _, text = validate(graph, shacl_graph=shapes, advanced=False, inference="none")
    return bool(conforms), str(text)


# --- a built release, described (for the static site and other callers) -----------------------------


def release_stats(dist_dir: str | Path) -> GraphStats:
    """:class:`GraphStats` of a release folder's ``mercury.nt``."""
    from mgraph.core.store import OxigraphStore

    store = OxigraphStore()
    store.load_trusted(Path(dist_dir) / "mercury.nt")
    return stats_of_store(store)


def release_description(dist_dir: str | Path, *, endpoint: str | None = None) -> Graph:
    """The DCAT 3 + VoID description of a built release folder (as ``void.ttl`` holds it)."""
    from mgraph.publish.dataversion import read_version

    folder = Path(dist_dir)
    return dataset_description(
        read_version(folder), release_stats(folder), files_of(folder), endpoint=endpoint
    )


def release_schema_org(dist_dir: str | Path) -> dict[str, Any]:
    """The schema.org ``Dataset`` of a built release folder (as ``dataset.jsonld`` holds it)."""
    from mgraph.publish.dataversion import read_version

    folder = Path(dist_dir)
    return schema_org(read_version(folder), release_stats(folder), files_of(folder))
