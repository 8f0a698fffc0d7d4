"""``mgraph diff``: what changed between two versions of the data, fact by fact, with sources.

A side is a release folder (``dist/``: its ``mercury.nt`` and ``release.toml``), a data folder
(``data/``, loaded), a local RDF file (read as :mod:`mgraph.core.user_files` allows), or a git revision of
``data/`` (``HEAD~1``, a tag: the files are taken with ``git show REV:data/...`` into a temporary
folder and loaded there; git runs locally, nothing is fetched), in the git repository of the
working directory when it has a ``data/`` folder, else in mgraph's own checkout.

A fact is a triple. Facts are grouped by entity (the triple's subject; a record's kind is the
first segment of its IRI, ``decision`` for ``mgid:decision/mc-5-3``) and are *added*, *removed*
or *changed*: a subject and property that had exactly one value and now has exactly one other
value is one change, not a removal and an addition. Blank nodes (our releases have none) are
compared by their labels, so an RDF file with blank nodes may show them as changed. Each fact
carries its sources: the sources of the claim that states it (``mg:Claim`` with
``prov:wasDerivedFrom``) when there is one, else those of its subject's record; a removed fact
its sources in the old version.

Written as text, Markdown (a data changelog a person reads), JSON, and RDF in the Changeset
vocabulary (``cs:``, http://purl.org/vocab/changeset/schema#). Why Changeset and not KGCL:
our changes are changes of instance data (any triple, literal values included), which Changeset
states exactly, as ``cs:addition``/``cs:removal`` of reified ``rdf:Statement``\\ s in one
``cs:ChangeSet`` per entity (``cs:subjectOfChange``), with ``cs:createdDate``, ``cs:changeReason``
and ``cs:precedingChangeSet``; it needs nothing beyond RDF itself. KGCL describes edits to an
ontology (rename, obsolete, move a class, add a synonym), a different thing, and its RDF form
comes through a LinkML schema we would have to depend on. Each statement of the Changeset output
also carries ``prov:wasDerivedFrom`` for its sources.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mgraph.core.errors import InputError, MgraphError
from mgraph.publish.dataversion import UNVERSIONED, DataVersion

if TYPE_CHECKING:
    from rdflib import Graph

FORMATS = ("text", "markdown", "json", "turtle")
CS = "http://purl.org/vocab/changeset/schema#"
CHANGES_BASE = "https://w3id.org/mgraph/dataset/"

_ID = "https://w3id.org/mgraph/id/"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_TYPE = f"<{_RDF}type>"
_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
_SOURCE = "<http://www.w3.org/ns/prov#wasDerivedFrom>"
_CLAIM = "<https://w3id.org/mgraph/ontology#Claim>"

Triple = tuple[str, str, str]
"""A triple as the N-Triples forms of its three terms."""


@dataclass
class Side:
    """One version: its triples, its data version and how the user named it."""

    name: str
    triples: set[Triple]
    version: DataVersion = field(default_factory=lambda: DataVersion(UNVERSIONED))

    def sources(self) -> tuple[dict[str, set[str]], dict[Triple, set[str]]]:
        """Sources of each subject, and of each claimed fact."""
        by_subject: dict[str, set[str]] = defaultdict(set)
        parts: dict[str, dict[str, str]] = defaultdict(dict)
        claims: set[str] = set()
        for s, p, o in self.triples:
            if p == _SOURCE:
                by_subject[s].add(o)
            elif p == _TYPE and o == _CLAIM:
                claims.add(s)
            elif p in (f"<{_RDF}subject>", f"<{_RDF}predicate>", f"<{_RDF}object>"):
                parts[s][p] = o
        by_fact: dict[Triple, set[str]] = defaultdict(set)
        for claim in claims:
            part = parts.get(claim, {})
            key = (part.get(f"<{_RDF}subject>"), part.get(f"<{_RDF}predicate>"), part.get(f"<{_RDF}object>"))
            if None not in key:
                by_fact[key].update(by_subject.get(claim, ()))  # type: ignore[index]
        return by_subject, by_fact

    def labels(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for s, p, o in sorted(self.triples):
            if p == _LABEL and s not in found:
                found[s] = _literal_value(o)
        return found


@dataclass(frozen=True)
class Change:
    """One fact added, removed or changed, with its sources (IRIs, sorted)."""

    entity: str
    kind: str
    change: str  # "added", "removed" or "changed"
    predicate: str
    old: str | None  # N-Triples form of the old value (removed, changed)
    new: str | None  # and of the new one (added, changed)
    sources: tuple[str, ...]
    old_sources: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "entity": _iri(self.entity),
            "kind": self.kind,
            "change": self.change,
            "predicate": _iri(self.predicate),
            "old": _plain(self.old),
            "new": _plain(self.new),
            "sources": [_iri(s) for s in self.sources],
            "old_sources": [_iri(s) for s in self.old_sources],
        }


@dataclass
class DataDiff:
    """The changes from ``old`` to ``new``, sorted by kind, entity, property and value."""

    old: Side
    new: Side
    changes: list[Change]
    labels: dict[str, str]
    entities: dict[str, str]  # entity -> "added", "removed" or "changed"

    def counts(self) -> dict[str, int]:
        counts = {"added": 0, "removed": 0, "changed": 0}
        for change in self.changes:
            counts[change.change] += 1
        return counts

    def by_entity(self) -> dict[tuple[str, str], list[Change]]:
        grouped: dict[tuple[str, str], list[Change]] = {}
        for change in self.changes:
            grouped.setdefault((change.kind, change.entity), []).append(change)
        return grouped

    def label(self, entity: str) -> str:
        return self.labels.get(entity) or _short(entity)


# --- reading a side -------------------------------------------------------------------------------


def read_side(spec: str | Path, *, repo: Path | None = None) -> Side:
    """A release folder, a data folder, an RDF file or a git revision of ``data/``."""
    from mgraph.core import locations
    from mgraph.publish.dataversion import read_version

    path = Path(spec)
    name = str(spec)
    if path.is_dir():
        if (path / "mercury.nt").is_file():
            return Side(name, _parse_file(path / "mercury.nt"), read_version(path))
        if any(path.glob("*.yaml")):
            return Side(name, _load_data(path), read_version(path))
        raise InputError(f"{name}: neither a release folder (no mercury.nt) nor a data folder (no *.yaml)")
    if path.exists():
        return Side(name, _parse_file(path))
    root = repo if repo is not None else _repository() or locations.ROOT
    if _is_revision(root, name):
        folder = Path(tempfile.mkdtemp(prefix="mgraph-diff-"))
        try:
            _checkout_data(root, name, folder)
            try:
                return Side(name, _load_data(folder), read_version(folder))
            except MgraphError as err:  # name the revision's files, not the temporary folder
                raise InputError(str(err).replace(f"{folder}/", f"{name}:data/")) from None
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    raise InputError(f"{name}: not a release folder, a data folder, an RDF file or a git revision of data/")


def _parse_file(path: Path) -> set[Triple]:
    from mgraph.core.store import OxigraphStore

    store = OxigraphStore()
    store.load_user_file(path)
    return {(str(q.subject), str(q.predicate), str(q.object)) for q in store}


def _load_data(folder: Path) -> set[Triple]:
    from mgraph.core.loader import load
    from mgraph.core.serialize import prepare

    return {(str(t.subject), str(t.predicate), str(t.object)) for t in prepare(load(folder).graph)}


def _repository() -> Path | None:
    """The git repository of the working directory, when it has a data/ folder; else None."""
    top = _git(Path.cwd(), "rev-parse", "--show-toplevel")
    if top.returncode != 0:
        return None
    root = Path(top.stdout.decode().strip())
    return root if (root / "data").is_dir() else None


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=False)


def _is_revision(root: Path, name: str) -> bool:
    if name.startswith("-") or not (root / ".git").exists():
        return False
    return _git(root, "rev-parse", "--verify", "--quiet", f"{name}^{{commit}}").returncode == 0


def _checkout_data(root: Path, revision: str, folder: Path) -> None:
    """The data files of ``revision`` (``git show REV:data/NAME``) into ``folder``."""
    listing = _git(root, "ls-tree", "--name-only", f"{revision}:data")
    if listing.returncode != 0:
        raise InputError(f"{revision}: the revision has no data/ folder")
    names = [n for n in listing.stdout.decode().splitlines() if n.endswith((".yaml", ".toml"))]
    if not any(n.endswith(".yaml") for n in names):
        raise InputError(f"{revision}: data/ at this revision holds no *.yaml files")
    for name in names:
        shown = _git(root, "show", f"{revision}:data/{name}")
        if shown.returncode != 0:
            raise InputError(f"{revision}: cannot read data/{name}: {shown.stderr.decode().strip()}")
        (folder / name).write_bytes(shown.stdout)


# --- comparing ---------------------------------------------------------------------------------


def compare(old: Side, new: Side) -> DataDiff:
    """The facts added, removed and changed from ``old`` to ``new``."""
    removed = old.triples - new.triples
    added = new.triples - old.triples
    old_subjects, old_facts = old.sources()
    new_subjects, new_facts = new.sources()

    def sources_of(
        triple: Triple, subjects: dict[str, set[str]], facts: dict[Triple, set[str]]
    ) -> tuple[str, ...]:
        return tuple(sorted(facts.get(triple) or subjects.get(triple[0], set())))

    removed_by: dict[tuple[str, str], list[Triple]] = defaultdict(list)
    added_by: dict[tuple[str, str], list[Triple]] = defaultdict(list)
    for triple in removed:
        removed_by[triple[:2]].append(triple)
    for triple in added:
        added_by[triple[:2]].append(triple)
    old_count: dict[tuple[str, str], int] = defaultdict(int)
    new_count: dict[tuple[str, str], int] = defaultdict(int)
    for s, p, _ in old.triples:
        old_count[(s, p)] += 1
    for s, p, _ in new.triples:
        new_count[(s, p)] += 1

    changes: list[Change] = []
    for key in sorted(set(removed_by) | set(added_by)):
        gone, come = removed_by.get(key, []), added_by.get(key, [])
        if len(gone) == 1 and len(come) == 1 and old_count[key] == 1 and new_count[key] == 1:
            changes.append(
                Change(
                    key[0],
                    _kind(key[0]),
                    "changed",
                    key[1],
                    gone[0][2],
                    come[0][2],
                    sources_of(come[0], new_subjects, new_facts),
                    sources_of(gone[0], old_subjects, old_facts),
                )
            )
            continue
        for triple in sorted(gone):
            changes.append(
                Change(
                    key[0],
                    _kind(key[0]),
                    "removed",
                    key[1],
                    triple[2],
                    None,
                    sources_of(triple, old_subjects, old_facts),
                )
            )
        for triple in sorted(come):
            changes.append(
                Change(
                    key[0],
                    _kind(key[0]),
                    "added",
                    key[1],
                    None,
                    triple[2],
                    sources_of(triple, new_subjects, new_facts),
                )
            )
    changes.sort(key=lambda c: (c.kind, c.entity, c.predicate, c.change, c.old or "", c.new or ""))
    old_entities = {t[0] for t in old.triples}
    new_entities = {t[0] for t in new.triples}
    entities = {}
    for change in changes:
        if change.entity not in old_entities:
            entities[change.entity] = "added"
        elif change.entity not in new_entities:
            entities[change.entity] = "removed"
        else:
            entities[change.entity] = "changed"
    labels = {**old.labels(), **new.labels()}
    touched = set(entities) | {s for c in changes for s in (*c.sources, *c.old_sources)}
    return DataDiff(old, new, changes, {k: v for k, v in labels.items() if k in touched}, entities)


def diff(old: str | Path, new: str | Path) -> DataDiff:
    """The semantic diff of two versions (release folders, data folders, RDF files, git revisions).

    A copy of a data folder with one organisation renamed:

    >>> import shutil, tempfile
    >>> from pathlib import Path
    >>> import mgraph
    >>> work = tempfile.TemporaryDirectory()
    >>> new = Path(shutil.copytree("tests/fixtures/data/good", Path(work.name) / "data"))
    >>> text = (new / "organisations.yaml").read_text()
    >>> _ = (new / "organisations.yaml").write_text(text.replace("Global Env", "The Global Env"))
    >>> changes = mgraph.diff("tests/fixtures/data/good", new)
    >>> changes.counts()
    {'added': 0, 'removed': 0, 'changed': 1}
    >>> change = changes.changes[0]
    >>> change.entity
    '<https://w3id.org/mgraph/id/organisation/gef>'
    >>> change.old, change.new
    ('"Global Environment Facility"@en', '"The Global Environment Facility"@en')
    >>> work.cleanup()
    """
    return compare(read_side(old), read_side(new))


# --- writing -------------------------------------------------------------------------------------------


def render(result: DataDiff, fmt: str = "text") -> str:
    """The diff as ``text``, ``markdown``, ``json`` or ``turtle`` (Changeset RDF)."""
    if fmt == "text":
        return _text(result)
    if fmt == "markdown":
        return _markdown(result)
    if fmt == "json":
        return _json(result)
    if fmt == "turtle":
        from mgraph.core.serialize import prepare, to_turtle

        return to_turtle(prepare(changeset(result)), extra_prefixes={"cs": CS}).decode("utf-8")
    raise InputError(f"unknown diff format {fmt!r}; choose one of {', '.join(FORMATS)}")


def _title(result: DataDiff) -> str:
    old, new = result.old.version.version, result.new.version.version
    counts = result.counts()
    summary = ", ".join(f"{n} {what}" for what, n in counts.items())
    return f"{old} -> {new}: {summary} ({len(result.entities)} entities)"


def _shared_sources(changes: list[Change]) -> tuple[str, ...] | None:
    """The sources when every change of an entity has the same ones (said once, not per line)."""
    first = changes[0].sources
    for change in changes:
        if change.sources != first or (change.change == "changed" and change.old_sources != first):
            return None
    return first


def _text(result: DataDiff) -> str:
    lines = [f"mgraph diff {result.old.name} {result.new.name}", _title(result)]
    marks = {"added": "+", "removed": "-", "changed": "~"}
    for (kind, entity), changes in result.by_entity().items():
        lines.append("")
        lines.append(f"{kind} {_short(entity)} ({result.label(entity)}): {result.entities[entity]}")
        shared = _shared_sources(changes)
        if shared is not None:
            lines.append(f"  source: {', '.join(_short(s) for s in shared) or '(none given)'}")
        for change in changes:
            lines.append(f"  {marks[change.change]} {_short(change.predicate)} {_value_text(change)}")
            if shared is not None:
                continue
            lines.append(f"      source: {', '.join(_short(s) for s in change.sources) or '(none given)'}")
            if change.change == "changed" and change.old_sources != change.sources:
                lines.append(
                    f"      was from: {', '.join(_short(s) for s in change.old_sources) or '(none)'}"
                )
    if not result.changes:
        lines.append("no changes")
    return "\n".join(lines) + "\n"


def _value_text(change: Change) -> str:
    if change.change == "changed":
        return f"{_show(change.old)} -> {_show(change.new)}"
    return _show(change.new if change.change == "added" else change.old)


def _markdown(result: DataDiff) -> str:
    new = result.new.version
    heading = f"## {new.version}"
    if new.date:
        heading += f" ({new.date.isoformat()})"
    counts = result.counts()
    lines = [
        heading,
        "",
        f"Changes from {result.old.version.version}: {_count(counts['added'], 'fact')} added, "
        f"{counts['removed']} removed, {counts['changed']} changed, "
        f"in {_count(len(result.entities), 'entity', 'entities')}.",
    ]
    kinds: dict[str, list[tuple[str, list[Change]]]] = {}
    for (kind, entity), changes in result.by_entity().items():
        kinds.setdefault(kind, []).append((entity, changes))
    for kind, entities in kinds.items():
        lines += ["", f"### {kind}", ""]
        for entity, changes in entities:
            status = result.entities[entity]
            shared = _shared_sources(changes)
            heading = f"- **{_md(result.label(entity))}** (`{_short(entity)}`, {status})"
            if shared is not None:
                heading += f"; source: {', '.join(_md_link(s, result) for s in shared) or 'none given'}"
            lines.append(heading)
            for change in changes:
                if shared is not None:
                    lines.append(f"  - {_md_change(change)}")
                    continue
                sources = ", ".join(_md_link(s, result) for s in change.sources) or "no source given"
                lines.append(f"  - {_md_change(change)} (source: {sources})")
    if not result.changes:
        lines += ["", "No changes."]
    return "\n".join(lines) + "\n"


def _md_change(change: Change) -> str:
    predicate = f"`{_short(change.predicate)}`"
    if change.change == "added":
        return f"added {predicate} {_md(_show(change.new))}"
    if change.change == "removed":
        return f"removed {predicate} {_md(_show(change.old))}"
    return f"changed {predicate} from {_md(_show(change.old))} to {_md(_show(change.new))}"


def _count(number: int, one: str, many: str | None = None) -> str:
    return f"{number} {one if number == 1 else many or one + 's'}"


def _md(text: str) -> str:
    return "".join("\\" + c if c in "\\`*_[]<>|" else c for c in text)


def _md_link(iri: str, result: DataDiff) -> str:
    bare = _iri(iri)
    if bare.startswith(("http://", "https://")) and not bare.startswith(_ID):
        return f"<{bare}>"
    return f"{_md(result.label(iri))} (`{_short(iri)}`)"


def _json(result: DataDiff) -> str:
    document = {
        "old": {"name": result.old.name, **result.old.version.as_dict()},
        "new": {"name": result.new.name, **result.new.version.as_dict()},
        "counts": result.counts(),
        "entities": [
            {"entity": _iri(e), "label": result.label(e), "status": s}
            for e, s in sorted(result.entities.items())
        ],
        "changes": [c.as_dict() for c in result.changes],
    }
    return json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def changeset(result: DataDiff) -> Graph:
    """The diff in the Changeset vocabulary: one ``cs:ChangeSet`` per entity (no blank nodes)."""
    import hashlib

    from rdflib import Graph, Literal, Namespace, URIRef
    from rdflib.namespace import PROV, RDF, XSD

    cs = Namespace(CS)
    graph = Graph()
    graph.bind("cs", cs)
    new = result.new.version
    base = f"{CHANGES_BASE}{new.version}/changes/{result.old.version.version}"
    for (_, entity), changes in result.by_entity().items():
        digest = hashlib.sha256(entity.encode()).hexdigest()[:16]
        node = URIRef(f"{base}#cs-{digest}")
        graph.add((node, RDF.type, cs.ChangeSet))
        graph.add((node, cs.subjectOfChange, _term(entity)))
        graph.add((node, cs.creatorName, Literal("mgraph build")))
        graph.add(
            (
                node,
                cs.changeReason,
                Literal(
                    f"data release {new.version} "
                    f"({result.entities[entity]} since {result.old.version.version})",
                    lang="en",
                ),
            )
        )
        if new.date:
            graph.add((node, cs.createdDate, Literal(new.date.isoformat(), datatype=XSD.date)))
        for change in changes:
            pairs = []
            if change.old is not None:
                pairs.append((cs.removal, change.old, change.old_sources or change.sources))
            if change.new is not None:
                pairs.append((cs.addition, change.new, change.sources))
            for relation, value, sources in pairs:
                key = f"{change.entity} {change.predicate} {value}"
                statement = URIRef(f"{base}#st-{hashlib.sha256(key.encode()).hexdigest()[:16]}")
                graph.add((node, relation, statement))
                graph.add((statement, RDF.type, RDF.Statement))
                graph.add((statement, RDF.subject, _term(change.entity)))
                graph.add((statement, RDF.predicate, _term(change.predicate)))
                graph.add((statement, RDF.object, _term(value)))
                for source in sources:
                    graph.add((statement, PROV.wasDerivedFrom, _term(source)))
    return graph


# --- terms ------------------------------------------------------------------------------------------


def _term(ntriples: str) -> Any:
    """An rdflib term from its N-Triples form."""
    from rdflib.util import from_n3

    return from_n3(ntriples)


def _iri(term: str) -> str:
    return term[1:-1] if term.startswith("<") and term.endswith(">") else term


def _short(term: str) -> str:
    from mgraph.core.terms import compact_iri

    return compact_iri(_iri(term)) if term.startswith("<") or "://" in term else term


def _literal_value(term: str) -> str:
    from mgraph.core.terms import literal_lexical

    return literal_lexical(term)


def _plain(term: str | None) -> Any:
    """A value for JSON: an IRI as itself, a literal as {"value", "datatype"/"language"}."""
    if term is None:
        return None
    if term.startswith("<"):
        return _iri(term)
    from rdflib.util import from_n3

    literal: Any = from_n3(term)
    value: dict[str, str] = {"value": str(literal)}
    if getattr(literal, "language", None):
        value["language"] = str(literal.language)
    elif getattr(literal, "datatype", None):
        value["datatype"] = str(literal.datatype)
    return value


def _show(term: str | None) -> str:
    """A value as a person reads it: a short IRI, a quoted literal with its tag or short datatype."""
    if term is None:
        return ""
    if term.startswith("<"):
        return _short(term)
    plain = _plain(term)
    text = json.dumps(plain["value"], ensure_ascii=False)
    if "language" in plain:
        return f"{text}@{plain['language']}"
    datatype = plain.get("datatype", "")
    if datatype and not datatype.endswith("#string"):
        return f"{text}^^{_short(datatype)}"
    return text


def _kind(entity: str) -> str:
    bare = _iri(entity)
    if bare.startswith(_ID):
        return bare[len(_ID) :].split("/", 1)[0]
    return "other"
