"""The files that publish a release beside its graph: version, description, docs, examples, changes.

:func:`publication_files` is called by :func:`mgraph.publish.build.build` with the graph files already
serialised; it adds, all derived from the data and never from the clock:

- ``release.toml``: the data version (:mod:`mgraph.publish.dataversion`);
- ``sparql-examples.ttl``: the query library as SHACL executables (:mod:`mgraph.publish.examples`);
- ``void.ttl`` (DCAT 3 + VoID), ``dataset.jsonld`` (schema.org), ``CITATION.cff`` and
  ``.zenodo.json`` (:mod:`mgraph.publish.describe`);
- ``docs/index.html``: the ontology documentation (:mod:`mgraph.publish.ontology_docs`);
- ``CHANGELOG.md`` (the data changelog, newest first) and ``changes/feed.jsonld``, an Activity
  Streams 2.0 ``OrderedCollection`` with one activity per release (``Create`` for the first,
  ``Update`` with links to the diff files for the others), so a mirror follows releases by
  reading one small file; with a previous release, ``changes/OLD--NEW.{md,json,ttl}`` (the diff
  of :mod:`mgraph.publish.diff`). The previous release's feed items, diff files and changelog are
  carried over.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mgraph.publish.dataversion import DataVersion, read_version, version_key

FEED = "changes/feed.jsonld"
PUBLICATION_FILES = (
    "release.toml",
    "sparql-examples.ttl",
    "void.ttl",
    "dataset.jsonld",
    "CITATION.cff",
    ".zenodo.json",
    "docs/index.html",
    "CHANGELOG.md",
    FEED,
)
"""The files every build adds (with a previous release, ``changes/OLD--NEW.*`` too)."""
CHANGELOG = "CHANGELOG.md"
AS_CONTEXT = "https://www.w3.org/ns/activitystreams"


def publication_files(
    files: Mapping[str, bytes], data_dir: str | Path | None = None, previous: str | Path | None = None
) -> dict[str, bytes]:
    """The publication files of a release whose graph files are ``files`` (name -> bytes)."""
    from mgraph.core.ontology import load_ontology
    from mgraph.core.store import OxigraphStore
    from mgraph.publish import describe, examples, ontology_docs

    version = read_version(data_dir)
    before = _previous_release(previous, files, version) if previous is not None else None
    out: dict[str, bytes] = {"release.toml": _version_toml(version)}
    out["sparql-examples.ttl"] = examples.examples_turtle(
        examples.sparql_examples(describe.version_iri(version))
    )
    store = OxigraphStore()
    store.load_trusted(data=files["mercury.nt"])
    stats = describe.stats_of_store(store)
    listed = {**files, **out}
    out["void.ttl"] = describe.description_turtle(describe.dataset_description(version, stats, listed))
    out["dataset.jsonld"] = describe.to_json(describe.schema_org(version, stats, listed))
    out["CITATION.cff"] = describe.citation_cff(version)
    out[".zenodo.json"] = describe.zenodo_json(version)
    from rdflib import Graph

    shapes = Graph().parse(data=files["shapes.ttl"].decode("utf-8"), format="turtle")
    out["docs/index.html"] = ontology_docs.render(load_ontology(), shapes, stats).encode("utf-8")
    out.update(_changes(version, before))
    return out


def _version_toml(version: DataVersion) -> bytes:
    lines = ["# The data version of this release (from data/release.toml).", f'version = "{version.version}"']
    if version.date:
        lines.append(f"date = {version.date.isoformat()}")
    if version.first_issued:
        lines.append(f"first_issued = {version.first_issued.isoformat()}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _previous_release(
    previous: str | Path, files: Mapping[str, bytes], version: DataVersion
) -> dict[str, Any]:
    """The previous release: its diff to this one, its feed, changelog and diff files."""
    from mgraph.core.errors import InputError
    from mgraph.publish.diff import Side, compare, read_side

    folder = Path(previous)
    if not (folder / "mercury.nt").is_file():
        raise InputError(f"--previous {previous}: not a release folder (no mercury.nt)")
    old = read_side(folder)
    old.name = f"release {old.version.version}"  # not its folder: published files hold no local paths
    new = Side(f"release {version.version}", _triples(files["mercury.nt"]), version)
    diff = compare(old, new)
    same = old.version.version == version.version
    if same and diff.changes:
        raise InputError(
            f"--previous {previous}: holds the same data version {version.version} but other data; "
            "raise the version (and date) in data/release.toml first"
        )
    if not same and version_key(old.version.version) > version_key(version.version):
        raise InputError(
            f"--previous {previous}: its data version {old.version.version} is later than "
            f"{version.version}, the version being built"
        )
    carried: dict[str, bytes] = {}
    changes = folder / "changes"
    if changes.is_dir():
        for path in sorted(changes.iterdir()):
            if path.is_file() and path.name != "feed.jsonld":
                carried[f"changes/{path.name}"] = path.read_bytes()
    feed = changes / "feed.jsonld"
    items = []
    if feed.is_file():
        try:
            items = list(json.loads(feed.read_text(encoding="utf-8")).get("orderedItems", []))
        except (ValueError, AttributeError):
            raise InputError(f"{feed}: not a JSON change feed") from None
    changelog = folder / CHANGELOG
    return {
        "feed": feed.read_bytes() if feed.is_file() else None,
        "diff": diff,
        "same": same,
        "items": items,
        "files": carried,
        "changelog": changelog.read_text(encoding="utf-8") if changelog.is_file() else "",
    }


def _triples(ntriples: bytes) -> set[tuple[str, str, str]]:
    from mgraph.core.terms import ntriples_texts

    return set(ntriples_texts(ntriples))


def _changes(version: DataVersion, before: dict[str, Any] | None) -> dict[str, bytes]:
    from mgraph.publish import describe
    from mgraph.publish.diff import render

    out: dict[str, bytes] = {}
    published = f"{version.date.isoformat()}T00:00:00Z" if version.date else None
    activity: dict[str, Any] = {
        "id": f"{describe.version_iri(version)}#release",
        "type": "Create",
        "summary": f"mgraph data {version.version}",
        "actor": {"type": "Organization", "name": describe.PUBLISHER},
        "object": {
            "id": describe.version_iri(version),
            "type": "Document",
            "name": f"{describe.TITLE} {version.version}",
            "url": [
                {"type": "Link", "href": f"../{name}", "mediaType": describe.MEDIA_TYPES[Path(name).suffix]}
                for name in ("mercury.nt", "mercury.ttl", "void.ttl")
            ],
        },
    }
    if published:
        activity["published"] = published
    heading = f"## {version.version}" + (f" ({version.date.isoformat()})" if version.date else "")
    section = f"{heading}\n\nFirst release in this changelog: no previous release was compared.\n"
    items: list[dict[str, Any]] = []
    if before is not None and before["same"]:
        # The same version rebuilt from the same data: the previous feed and changelog stand.
        out.update(before["files"])
        feed_file = before.get("feed")
        out[FEED] = feed_file if feed_file is not None else b""
        out[CHANGELOG] = before["changelog"].encode("utf-8")
        if feed_file is not None and before["changelog"]:
            return out
        before = None
        out.clear()
    if before is not None:
        diff = before["diff"]
        stem = f"changes/{diff.old.version.version}--{version.version}"
        out.update(before["files"])
        out[f"{stem}.md"] = render(diff, "markdown").encode("utf-8")
        out[f"{stem}.json"] = render(diff, "json").encode("utf-8")
        out[f"{stem}.ttl"] = render(diff, "turtle").encode("utf-8")
        counts = diff.counts()
        activity["type"] = "Update"
        activity["summary"] = (
            f"mgraph data {version.version}: {counts['added']} facts added, {counts['removed']} removed, "
            f"{counts['changed']} changed since {diff.old.version.version}"
        )
        activity["origin"] = {"id": describe.version_iri(diff.old.version), "type": "Document"}
        activity["result"] = [
            {"type": "Link", "href": f"{Path(stem).name}.{ext}", "mediaType": media}
            for ext, media in (("ttl", "text/turtle"), ("json", "application/json"), ("md", "text/markdown"))
        ]
        section = render(diff, "markdown")
        items = [i for i in before["items"] if isinstance(i, dict) and i.get("id") != activity["id"]]
    ordered = [activity, *items]
    feed = {
        "@context": AS_CONTEXT,
        "id": f"{describe.DATASET}/changes/feed.jsonld",
        "type": "OrderedCollection",
        "summary": "Releases of the mgraph data, newest first, with links to what changed",
        "totalItems": len(ordered),
        "orderedItems": ordered,
    }
    out[FEED] = describe.to_json(feed)
    older = before["changelog"] if before is not None else ""
    older_sections = older.split("\n", 2)[2] if older.startswith("# ") and older.count("\n") >= 2 else older
    text = f"# Data changelog\n\n{section}"
    if older_sections.strip():
        text += "\n" + older_sections.lstrip("\n")
    out[CHANGELOG] = text.encode("utf-8")
    return out
