"""``mgraph site``: the whole graph as a static website that needs no server and no network.

What it writes (every link relative, so the folder works from ``file://`` and any static host):

- ``id/<kind>/<id>.html`` for every entity of ours: the page ``mgraph serve`` sends (rendered by
  :func:`mgraph.server.pages.entity_html`), with the entity's JSON-LD embedded, and its RDF beside
  it as ``<id>.ttl``, ``<id>.nt`` and ``<id>.jsonld``;
- ``class/<Name>.html`` for every class with instances and ``class/index.html``;
- ``graph.html``: the graph page (``mgraph export --format html``);
- ``query.html``: SPARQL run in the browser by Oxigraph's WebAssembly build over the release
  (``mercury.nt``, also given as a script so that ``file://`` pages can read it), with the query
  library as examples;
- ``index.html``, ``sitemap.xml``, ``mercury.nt``, ``dataset.html`` (with ``void.ttl``,
  ``dataset.jsonld`` and ``changelog.html``) and
  ``docs/index.html`` for the dataset description and the ontology documentation.

The same graph always gives the same bytes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mgraph.core.errors import InputError
from mgraph.core.formats import BY_NAME, WRITTEN

if TYPE_CHECKING:
    from rdflib import Graph

    from mgraph.core.store import OxigraphStore

Select = Callable[[str, dict[str, str]], list[dict[str, Any]]]
"""Runs a SELECT query with IRIs bound to variables: SPARQL JSON bindings."""

HERE = Path(__file__).resolve().parent
VENDOR = HERE / "vendor" / "oxigraph"
OXIGRAPH_VERSION = "0.5.11"
MARKER = ".mgraph-site"
ID_BASE = "https://w3id.org/mgraph/id/"
ONTOLOGY_BASE = "https://w3id.org/mgraph/ontology#"

ENTITIES = f"""SELECT DISTINCT ?s WHERE {{
  ?s ?p ?o .
  FILTER (isIRI(?s) && STRSTARTS(STR(?s), "{ID_BASE}"))
}} ORDER BY STR(?s)"""


@dataclass
class SiteResult:
    """What ``write_site`` wrote."""

    folder: Path
    entities: int
    classes: int
    files: int


def write_site(
    out_dir: str | Path,
    *,
    graph: str | Path | None = None,
    base_url: str | None = None,
    view: str = "full",
    lang: str | None = None,
) -> SiteResult:
    """Write the static site of ``graph`` (an RDF file; default the project's graph) into
    ``out_dir``. ``base_url`` is where the site will be hosted, for ``sitemap.xml``; without it
    the sitemap lists the entities' own IRIs. ``lang``: one of the six UN languages for the
    names on entity pages and the graph page (English where the data has no name in it).
    Nothing is written on failure."""
    from mgraph.core.serialize import prepare, to_ntriples
    from mgraph.core.store import OxigraphStore
    from mgraph.networks.languages import check_language

    language = check_language(lang)
    target = Path(out_dir)
    _check_target(target)
    if base_url is not None and not re.match(r"^https?://[^\s\"'<>]+/$", base_url):
        raise InputError(f"--base-url must be an http(s) URL ending with '/', not {base_url!r}")
    rdf = _graph(graph)
    nt = to_ntriples(prepare(rdf))
    store = OxigraphStore()
    store.load_trusted(data=nt)  # our own N-Triples, just written
    files: dict[str, bytes] = {
        MARKER: b"written by mgraph site; the whole folder is replaced on the next run\n"
    }
    entities = [row["s"] for row in store.lexical_rows(ENTITIES)]
    select = _selector(store)
    for iri in entities:
        files.update(_entity_files(store, select, iri, language))
    classes = _class_files(select, files, language)
    files["graph.html"] = _graph_page(graph, view, language)
    files["mercury.nt"] = nt
    files["data/mercury.nt.js"] = _script_global("MGRAPH_NT", nt.decode("utf-8"))
    files.update(_query_page(store))
    files["docs/index.html"] = _docs_page(store)
    files.update(_dataset_files(store, nt))
    files["index.html"] = _index_page(len(entities), classes)
    files["sitemap.xml"] = _sitemap(entities, base_url)
    files["static/mgraph.css"] = (HERE.parent / "server" / "static" / "mgraph.css").read_bytes()
    _write_tree(target, files)
    return SiteResult(target, len(entities), classes, len(files))


# --- the graph -------------------------------------------------------------------------------------


def _graph(graph: str | Path | None) -> Graph:
    """The site's graph, as :func:`mgraph.core.graphs.which_graph` decides: a user's file, else
    the project's graph (the built release, else the data folder)."""
    from rdflib import Graph

    from mgraph.core.graphs import FILES, project_graph, which_graph

    source = which_graph(graph)
    if source.kind != FILES:
        return project_graph()
    (path,) = source.files
    if not path.is_file():
        raise InputError(f"{path}: no such graph file")
    from mgraph.core.user_files import parse_user_file

    return parse_user_file(path, into=Graph())


def _selector(store: OxigraphStore) -> Select:
    from rdflib import URIRef

    def select(query: str, subs: dict[str, str]) -> list[dict[str, Any]]:
        data = json.loads(store.results(query, {k: URIRef(v) for k, v in subs.items()}))
        if "boolean" in data:
            return [{"boolean": data["boolean"]}]
        return list(data["results"]["bindings"])

    return select


# --- entity and class pages ----------------------------------------------------------------------------

_FORMATS = {BY_NAME[name].extensions[0].lstrip("."): BY_NAME[name] for name in WRITTEN}
"""The entity page's RDF files: extension -> format (:mod:`mgraph.core.formats`)."""


def _entity_files(store: OxigraphStore, select: Select, iri: str, lang: str) -> dict[str, bytes]:
    from rdflib import URIRef

    from mgraph.core.serialize import rdf_bytes
    from mgraph.core.store import Triples
    from mgraph.server.pages import DESCRIBE, entity_html

    path = iri[len(ID_BASE) :]
    depth = path.count("/") + 1
    triples = store.query(DESCRIBE, {"s": URIRef(iri)})  # in N-Triples order
    assert isinstance(triples, Triples)
    forms = {ext: rdf_bytes(triples, fmt.name) for ext, fmt in _FORMATS.items()}
    html = relative_links(entity_html(select, iri, lang), depth, path.rsplit("/", 1)[-1])
    embedded = forms["jsonld"].decode("utf-8").replace("</", "<\\/")
    html = html.replace("</head>", f'<script type="application/ld+json">{embedded}</script>\n</head>', 1)
    out = {f"id/{path}.html": html.encode("utf-8")}
    out.update({f"id/{path}.{ext}": content for ext, content in forms.items()})
    return out


CLASSES = """SELECT ?c (COUNT(DISTINCT ?x) AS ?instances) WHERE { ?x a ?c . FILTER (isIRI(?c)) }
GROUP BY ?c ORDER BY STR(?c)"""


def class_file(iri: str) -> str:
    """``class/Decision.html`` for ``mg:Decision``, ``class/schema_Legislation.html`` else."""
    from mgraph.core.terms import compact_iri

    if iri.startswith(ONTOLOGY_BASE):
        name = iri[len(ONTOLOGY_BASE) :]
    else:
        name = compact_iri(iri)
    return "class/" + re.sub(r"[^A-Za-z0-9._-]", "_", name) + ".html"


def _class_files(select: Select, files: dict[str, bytes], lang: str) -> int:
    from mgraph.core.terms import compact_iri
    from mgraph.server.pages import CLASS_FACTS, CLASS_NAMES, INSTANCES, class_html, render

    rows = select(CLASSES, {})
    listed = []
    for row in rows:
        iri = row["c"]["value"]
        names = select(CLASS_NAMES, {"c": iri}) if lang != "en" else []
        html = class_html(iri, select(INSTANCES, {"c": iri}), select(CLASS_FACTS, {"c": iri}), names, lang)
        files[class_file(iri)] = relative_links(html, 1, "").encode("utf-8")
        local = iri[len(ONTOLOGY_BASE) :] if iri.startswith(ONTOLOGY_BASE) else ""
        listed.append(
            {
                "iri": iri,
                "curie": compact_iri(iri),
                "href": "/" + class_file(iri)[: -len(".html")],
                "anchor": local,
                "count": int(row["instances"]["value"]),
            }
        )
    listed.sort(key=lambda c: (not c["anchor"], c["curie"].lower()))
    page = bytes(render("classes.html", classes=listed).body).decode("utf-8")
    files["class/index.html"] = relative_links(page, 1, "").encode("utf-8")
    return len(listed)


_HREF = re.compile(r'(href|src)="(/[^"]*|\?format=(ttl|nt|jsonld))"')


def relative_links(html: str, depth: int, own: str) -> str:
    """The server's absolute links made relative to a page ``depth`` folders below the root:
    ``/id/kind/x`` -> ``../../id/kind/x.html``, ``/class/X`` -> ``.../class/X.html``, ``/sparql``
    -> the query page, ``?format=ttl`` -> ``<own>.ttl`` beside the page."""
    root = "../" * depth

    def swap(match: re.Match[str]) -> str:
        attribute, link, fmt = match.group(1), match.group(2), match.group(3)
        if fmt:
            return f'{attribute}="{own}.{fmt}"'
        path, _, anchor = link.partition("#")
        if path in ("/", ""):
            new = "index.html"
        elif path == "/sparql":
            new = "query.html"
        elif path == "/class":
            new = "class/index.html"
        elif path == "/ontology":
            new = "docs/index.html"
        elif path.startswith("/class/"):
            name = path[len("/class/") :]
            new = "class/" + re.sub(r"[^A-Za-z0-9._-]", "_", name) + ".html"
            if name.startswith("class/"):  # already a file path (the class index)
                new = name + ".html"
        elif path.startswith("/id/"):
            new = path[1:] + ".html"
        else:
            new = path[1:]
        return f'{attribute}="{root}{new}{"#" + anchor if anchor else ""}"'

    return _HREF.sub(swap, html)


# --- the graph page, the query page, the index ----------------------------------------------------


def _graph_page(graph: str | Path | None, view: str, lang: str) -> bytes:
    from mgraph.exporters import get
    from mgraph.networks.languages import relabel_view
    from mgraph.networks.views import build_view

    source = str(graph) if graph is not None else None
    network = build_view(view, graph=source)
    relabel_view(network, lang, source)
    content: bytes = get("html").export(network)
    return content


def _script_global(name: str, value: Any) -> bytes:
    """A classic script setting ``window.<name>``: what a ``file://`` page can read."""
    text = json.dumps(value, ensure_ascii=True, sort_keys=True).replace("</", "<\\/")
    return f"window.{name} = {text};\n".encode("ascii")


def oxigraph_classic_script() -> bytes:
    """Oxigraph's ``web.js`` (an ES module) as a classic script defining ``window.oxigraph``."""
    source = (VENDOR / "web.js").read_text(encoding="utf-8")
    names = re.findall(r"^export (?:class|function|async function) (\w+)", source, re.MULTILINE)
    source = re.sub(r"^export (class|function|async function) ", r"\1 ", source, flags=re.MULTILINE)
    source = source.replace("new URL('web_bg.wasm', import.meta.url)", "'web_bg.wasm'")
    source = re.sub(r"^export \{[^}]*\};?\s*$", "", source, flags=re.MULTILINE)
    if "import.meta" in source or re.search(r"^(export|import) ", source, re.MULTILINE):
        raise InputError("the vendored Oxigraph web.js has a form this site writer does not know")
    exports = ", ".join([*sorted(set(names)), "initSync", "init: __wbg_init"])
    header = f"/* Oxigraph {OXIGRAPH_VERSION} web build (MIT OR Apache-2.0), as a classic script */\n"
    return (
        header + f"window.oxigraph = (function () {{\n{source}\nreturn {{ {exports} }};\n}})();\n"
    ).encode()


def _query_page(store: OxigraphStore) -> dict[str, bytes]:
    import base64

    from mgraph.server.pages import render

    examples = library_examples(store)
    wasm = base64.b64encode((VENDOR / "web_bg.wasm").read_bytes()).decode("ascii")
    html = bytes(render("site_query.html", examples=examples, version=OXIGRAPH_VERSION).body).decode()
    return {
        "query.html": relative_links(html, 0, "").encode("utf-8"),
        "static/site-query.js": (HERE / "query.js").read_bytes(),
        "data/examples.js": _script_global("MGRAPH_EXAMPLES", examples),
        "vendor/oxigraph/oxigraph.js": oxigraph_classic_script(),
        "vendor/oxigraph/oxigraph_wasm.js": f'window.OXIGRAPH_WASM = "{wasm}";\n'.encode("ascii"),
        "vendor/oxigraph/LICENSE-MIT": (VENDOR / "LICENSE-MIT").read_bytes(),
        "vendor/oxigraph/LICENSE-APACHE": (VENDOR / "LICENSE-APACHE").read_bytes(),
        "vendor/oxigraph/README.md": (VENDOR / "README.md").read_bytes(),
    }


def library_examples(store: OxigraphStore | None = None) -> list[dict[str, str]]:
    """Each library query with the parameters of its first ``# example:`` bound into its text
    (a ``VALUES`` block, as ``mgraph serve``'s query page does), ready to run as it is."""
    import shlex

    from mgraph.core.store import bind_values
    from mgraph.queries.binding import bind_params
    from mgraph.queries.library import library

    out = []
    for query in library().values():
        params: dict[str, str] = {}
        if query.examples:
            words = shlex.split(query.examples[0])
            for i, word in enumerate(words):
                if word == "--param" and i + 1 < len(words):
                    key, _, value = words[i + 1].partition("=")
                    params[key] = value
        try:
            bindings = bind_params(query, params)
        except InputError:
            continue  # an example naming what this graph lacks: not offered
        out.append(
            {
                "name": query.name,
                "title": query.title,
                "question": query.question,
                "example": query.examples[0] if query.examples else f"mgraph query {query.name}",
                "text": bind_values(query.text, bindings),
            }
        )
    return sorted(out, key=lambda e: e["name"])


def _docs_page(store: OxigraphStore) -> bytes:
    """The ontology documentation (as ``mgraph build`` writes it) with the counts of this graph."""
    from rdflib import Graph

    from mgraph.core import locations
    from mgraph.publish.describe import stats_of_store
    from mgraph.publish.ontology_docs import render

    ontology = Graph().parse(locations.ONTOLOGY, format="turtle")
    shapes = Graph().parse(locations.SHAPES, format="turtle")
    html = render(ontology, shapes, stats_of_store(store), home="/")
    return relative_links(html, 1, "").encode("utf-8")


def _dataset_files(store: OxigraphStore, nt: bytes) -> dict[str, bytes]:
    """The dataset description of the site's graph: a page, DCAT/VoID (``void.ttl``), schema.org
    (``dataset.jsonld``), and the data changelog of the built release when there is one."""
    import hashlib
    import html

    from mgraph.core import locations
    from mgraph.publish.dataversion import read_version
    from mgraph.publish.describe import (
        dataset_description,
        description_turtle,
        schema_org,
        stats_of_store,
        to_json,
    )
    from mgraph.server.pages import render

    version = read_version(locations.DATA)
    stats = stats_of_store(store)
    release = {"mercury.nt": nt}
    dataset = schema_org(version, stats, release)
    out: dict[str, bytes] = {
        "void.ttl": description_turtle(dataset_description(version, stats, release)),
        "dataset.jsonld": to_json(dataset),
    }
    listed = [
        {
            "name": "mercury.nt",
            "media": "application/n-triples",
            "size": f"{len(nt):,}",
            "sha256": hashlib.sha256(nt).hexdigest(),
        }
    ]
    page = render(
        "site_dataset.html",
        dataset=dataset,
        files=listed,
        triples=f"{stats.triples:,}",
        entities=f"{stats.entities:,}",
        classes=f"{len(stats.classes):,}",
    )
    out["dataset.html"] = relative_links(bytes(page.body).decode("utf-8"), 0, "").encode("utf-8")
    changelog = locations.DIST / "CHANGELOG.md"
    text = changelog.read_text(encoding="utf-8") if changelog.is_file() else "No data changelog: build first."
    out["changelog.html"] = (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Data changelog · mgraph</title>'
        '<link rel="stylesheet" href="static/mgraph.css"></head><body><header>'
        '<a href="index.html">mgraph</a></header><main><h1>Data changelog</h1><pre id="changelog">'
        + html.escape(text)
        + "</pre></main></body></html>\n"
    ).encode("utf-8")
    return out


def _index_page(entities: int, classes: int) -> bytes:
    from mgraph.server.pages import render

    html = bytes(render("site_index.html", entities=entities, classes=classes).body).decode()
    return relative_links(html, 0, "").encode("utf-8")


def _sitemap(entities: list[str], base_url: str | None) -> bytes:
    from xml.sax.saxutils import escape

    pages = ["index.html", "query.html", "graph.html", "class/index.html"]
    if base_url:
        urls = [base_url + p for p in pages] + [
            f"{base_url}id/{iri[len(ID_BASE) :]}.html" for iri in entities
        ]
    else:
        urls = list(entities)
    body = "".join(f"<url><loc>{escape(u)}</loc></url>\n" for u in urls)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + body + "</urlset>\n"
    ).encode("utf-8")


# --- writing -----------------------------------------------------------------------------------------


def _check_target(target: Path) -> None:
    if target.exists() and not target.is_dir():
        raise InputError(f"{target} exists and is not a folder")
    if target.is_dir() and any(target.iterdir()) and not (target / MARKER).is_file():
        raise InputError(f"{target} is a folder that mgraph site did not write; give an empty or new folder")


def _write_tree(target: Path, files: dict[str, bytes]) -> None:
    """All files into a sibling staging folder, then swapped in for ``target`` (replaced whole)."""
    import os
    import shutil
    import tempfile

    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    try:
        for name, content in sorted(files.items()):
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        backup = target.parent / f".{target.name}.old-{os.getpid()}"
        if target.exists():
            os.replace(target, backup)
        os.replace(staging, target)
        shutil.rmtree(backup, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
