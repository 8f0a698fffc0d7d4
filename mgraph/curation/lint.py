"""The canonical form of a curated data file, and the rewriting that gives it (``mgraph lint``).

The canonical form, in full (``data/README.md`` says the same to curators):

- **keys** in the schema's order: ``id`` first, then the kind's fields as :mod:`mgraph.core.schema`
  lists them (its own fields, then ``alt_names``, ``description``, ``note``, ``url``,
  ``sources``); a long-form value's keys as ``value, as_of, sources, note, approximate``; keys the
  schema does not know stay, at the end, for the loader to report;
- **lists** in block style, one item a line; a list field whose items are plain values is sorted
  unless the schema marks it ``ordered`` (``alt_names``, ``sources``). A list holding long-form
  items keeps its order: their claim IRIs are numbered by position. A conflict (a list of
  alternatives) keeps its order: the first is the preferred value;
- **dates** as plain ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``, never quoted;
- **text** that would run past column 100 folded (``>-``) when it has spaces to fold at; other
  text plain, quoted only where YAML needs it;
- **no empty fields** (``null``, ``""``, ``[]``, ``{}``), and **no YAML aliases** (written out);
- **comments kept** (ruamel.yaml round-trips them);
- **records stay in the order the curators gave them**: files group related records (a COP
  and its segments, a series and its sessions), which sorting by id would scatter.

Lint never changes meaning: before writing, the new text is read back with the loader's own
reader and compared with the old, field by field (:func:`_meaning`); the tests also compare the
loaded graphs. Files that cannot be read (syntax errors, limits) are reported and left alone.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import URIRef

from mgraph.core import locations
from mgraph.core.errors import DataError, DataLoadError, InputError
from mgraph.core.files import write_file
from mgraph.core.models import DATE_RE, LONG_FORM_KEYS
from mgraph.core.records import Node, display_path, link_out_of, parse_yaml, read_text
from mgraph.core.schema import Field, Kind, kind_of_file, kinds

WIDTH = 100
_AS_OF = Field("as_of", URIRef("https://w3id.org/mgraph/as_of"), "date")  # a long form's date

CANONICAL_DOC = (
    "**Canonical form** (`mgraph lint` writes it; `mgraph lint --check` lists the files not in it):\n"
    "keys in the order of the tables below (`id` first); lists in block style, sorted unless the\n"
    "table says their order is kept, or they hold long-form values, or they are a conflict;\n"
    "dates plain (`2013-10-10`, `2013-10`, `2013`); text past column 100 folded (`>-`); no empty\n"
    "fields; no YAML aliases; comments kept; records in the order the curators gave them.\n"
)
"""The canonical form, as a paragraph of data/README.md's generated part."""


@dataclass
class LintResult:
    """What lint found: the files not in canonical form, each with its first differing line."""

    checked: list[Path] = field(default_factory=list)
    changed: dict[Path, int] = field(default_factory=dict)
    written: list[Path] = field(default_factory=list)


def data_files(data_dir: str | Path | None = None) -> list[Path]:
    """Every data file of the folder (default: the project's ``data/``)."""
    folder = Path(data_dir) if data_dir is not None else locations.DATA
    return sorted(p for p in folder.glob("*.yaml") if kind_of_file(p.name) is not None)


def lint(paths: Iterable[str | Path] | None = None, *, check: bool = False) -> LintResult:
    """Rewrite ``paths`` (default: every data file) into canonical form; with ``check``, write nothing.

    Raises InputError, writing nothing, when a file is not a data file or cannot be read.
    """
    files = [Path(p) for p in paths] if paths is not None else data_files()
    errors: list[DataError] = []
    canonical: dict[Path, str] = {}
    originals: dict[Path, str] = {}
    for path in files:
        kind = kind_of_file(path.name)
        if kind is None:
            known = ", ".join(sorted(k.file for k in kinds()))
            raise InputError(f"{path}: not a data file; expected one of: {known}")
        display = display_path(path)
        escape = link_out_of(path, path.parent.resolve(), display)
        if escape is not None:
            errors.append(escape)
            continue
        text = read_text(path, display, errors)
        if text is None:
            continue
        new = canonical_text(text, kind, display, errors)
        if new is not None:
            originals[path], canonical[path] = text, new
    if errors:
        raise DataLoadError(errors)
    result = LintResult(checked=files)
    for path, new in canonical.items():
        old = originals[path]
        if new == old:
            continue
        result.changed[path] = first_difference(old, new)
        if not check:
            write_file(path.resolve(), new.encode("utf-8"))  # a link inside the folder stays a link
            result.written.append(path)
    return result


def first_difference(old: str, new: str) -> int:
    """The 1-based number of the first line that differs."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    for number, (a, b) in enumerate(zip(old_lines, new_lines, strict=False), start=1):
        if a != b:
            return number
    return min(len(old_lines), len(new_lines)) + 1


def canonical_text(text: str, kind: Kind, display: str, errors: list[DataError]) -> str | None:
    """The canonical form of one file's text, or None (with ``errors``) when it cannot be read."""
    before = _read(text, display, errors)
    if before is None:
        return None
    if not text.strip():
        return text
    if not isinstance(before.value, list) or not all(isinstance(n.value, dict) for n in before.value):
        errors.append(DataError(display, before.line, "", "not a YAML list of records; lint leaves it alone"))
        return None
    yaml = _yaml()
    root = yaml.load(text)
    for index, record in enumerate(root):
        root[index] = _record(record, kind)
        _shift_comments(root[index])
    out = io.StringIO()
    yaml.dump(root, out)
    new = _dedent(out.getvalue())
    after = _read(new, display, errors)
    if after is None or _meaning(after, kind) != _meaning(before, kind):
        errors.append(
            DataError(
                display,
                1,
                "",
                "lint would change the meaning of this file; left as it is (please report this as a bug)",
            )
        )
        return None
    return new


def _read(text: str, display: str, errors: list[DataError]) -> Node | None:
    count = len(errors)
    root = parse_yaml(text, display, errors)
    return Node(None, 1) if root is None and len(errors) == count else root


def _yaml() -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.resolver import VersionedResolver

    yaml = YAML(typ="rt")

    class Resolver(VersionedResolver):
        """YAML 1.1, as the loader reads it: 'NO' (Norway) stays quoted, never becomes false."""

        @property
        def processing_version(self) -> tuple[int, int]:
            return (1, 1)

    yaml.Resolver = Resolver
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = WIDTH
    yaml.representer.ignore_aliases = lambda data: True  # aliases are written out
    return yaml


def _shift_comments(node: Any) -> None:
    """Comments inside records at stable columns, whatever :func:`_dedent` does to them.

    ruamel keeps an end-of-line comment's column and a following full-line comment's text as is;
    the column gets two more (which _dedent removes) and a full-line comment inside a record is
    put at the records' key column.
    """
    from ruamel.yaml.comments import CommentedBase
    from ruamel.yaml.tokens import CommentToken

    if not isinstance(node, CommentedBase):
        return
    for tokens in node.ca.items.values():
        for token in tokens if isinstance(tokens, list) else ():
            for one in token if isinstance(token, list) else [token]:
                if not isinstance(one, CommentToken):
                    continue
                first, *rest = one.value.split("\n")
                one.value = "\n".join(
                    [first, *(f"    {line.strip()}" if line.strip() else "" for line in rest)]
                )
                if one.column > 0:
                    one.column += 2
    children: Iterable[Any] = node.values() if isinstance(node, dict) else node  # type: ignore[assignment]
    for child in children:
        _shift_comments(child)


def _dedent(text: str) -> str:
    """ruamel indents a top-level list by two spaces; our files start records at column 0."""
    return "".join(line[2:] if line.startswith("  ") else line for line in text.splitlines(keepends=True))


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, (str, list, dict)) and len(value) == 0)


def _mapping(old: Any, order: list[str], convert: Any) -> Any:
    from ruamel.yaml.comments import CommentedMap

    new = CommentedMap()
    keys = [k for k in order if k in old] + [k for k in old if k not in order]
    for key in keys:
        value = old[key]
        if _empty(value):
            continue
        new[key] = convert(key, value)
        if key in old.ca.items:
            new.ca.items[key] = old.ca.items[key]
    new.ca.comment = old.ca.comment
    return new


def _sequence(old: Any, items: list[Any], *, sort: bool) -> Any:
    """A block-style list of ``items``; sorted when asked, unless comments sit between its items."""
    from ruamel.yaml.comments import CommentedSeq

    commented = bool(old.ca.items) if hasattr(old, "ca") else False
    if sort and not commented and all(not isinstance(i, (dict, list)) for i in items):
        items = sorted(items, key=lambda v: (str(v), type(v).__name__))
    new = CommentedSeq(items)
    if hasattr(old, "ca"):
        new.ca.comment = old.ca.comment
        if commented:  # kept in its order, so each comment stays with its item
            new.ca.items.update(old.ca.items)
    return new


def _record(record: Any, kind: Kind) -> Any:
    if not isinstance(record, dict):
        return record
    order = ["id", *(f.name for f in kind.fields)]

    def convert(key: str, value: Any) -> Any:
        spec = kind.field(key)
        return _field_value(spec, value, 2 + len(key) + 2) if spec is not None else value

    return _mapping(record, order, convert)


def _field_value(spec: Field, value: Any, used: int, depth: int = 2) -> Any:
    """``used``: the columns before a plain value on its line; ``depth``: the field's indentation."""
    if spec.many and isinstance(value, list):
        items = [_item(spec, v, depth + 4, depth + 4) for v in value if not _empty(v)]
        plain = all(not isinstance(v, dict) for v in items)
        return _sequence(value, items, sort=plain and not spec.ordered)
    if isinstance(value, list):  # a conflict: the order says which value is preferred
        return _sequence(value, [_item(spec, v, depth + 4, depth + 4) for v in value], sort=False)
    return _item(spec, value, used, depth + 2)


def _item(spec: Field, value: Any, used: int, depth: int) -> Any:
    if isinstance(value, dict):
        sources = (
            spec
            if spec.name == "sources"
            else Field("sources", spec.predicate, "ref", many=True, ordered=True)
        )

        def convert(key: str, part: Any) -> Any:
            if key == "sources" and isinstance(part, list):
                return _field_value(sources, part, 0, depth)
            typed = spec if key == "value" else _AS_OF if key == "as_of" else None
            return _scalar(typed, part, depth + len(key) + 2)

        return _mapping(value, list(LONG_FORM_KEYS), convert)
    return _scalar(spec, value, used)


def _scalar(spec: Field | None, value: Any, used: int) -> Any:
    from ruamel.yaml.scalarstring import FoldedScalarString

    if isinstance(value, (dict, list)):
        return value
    if spec is not None and spec.type == "date" and not isinstance(value, bool):
        text = value.isoformat() if isinstance(value, dt.date) else str(value)
        match = DATE_RE.match(text)
        if match and match.group(3):
            return dt.date.fromisoformat(text)
        if match and not match.group(2):
            return int(text)
        return str(text) if match else value
    if isinstance(value, str):
        text = str(value)  # drops the quoting and folding ruamel remembered
        if (
            used + len(text) > WIDTH
            and " " in text
            and "\n" not in text
            and text == text.strip()
            and "  " not in text
        ):
            return FoldedScalarString(text)
        return text
    return value


def _meaning(root: Node, kind: Kind) -> Any:
    """What a file says, in a form where canonical rewriting must change nothing."""
    if root.value is None:
        return None

    def plain(node: Node, spec: Field | None) -> Any:
        value = node.value
        if isinstance(value, dict):
            return {k: plain(v, _spec_of(spec, k, kind)) for k, v in value.items() if not _empty(v.value)}
        if isinstance(value, list):
            items = [plain(v, spec) for v in value if not _empty(v.value)]
            if (
                spec is not None
                and spec.many
                and not spec.ordered
                and all(not isinstance(v.value, (dict, list)) for v in value)
            ):
                items.sort(key=lambda v: (str(v), type(v).__name__))
            return items
        return str(value) if spec is not None and spec.type == "date" else value

    return [plain(record, None) for record in root.value]


def _spec_of(parent: Field | None, key: str, kind: Kind) -> Field | None:
    if parent is None:  # a record's key
        return kind.field(key)
    if key == "value":
        return Field(parent.name, parent.predicate, parent.type)  # one value, not the list
    if key == "sources":
        return Field("sources", parent.predicate, "ref", many=True, ordered=True)
    return _AS_OF if key == "as_of" else None
