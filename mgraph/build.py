"""``mgraph build``: load, validate, then replace ``dist/`` in one step, or leave it untouched."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from mgraph import paths
from mgraph.errors import EXIT_FAILED, MgraphError
from mgraph.load import KnowledgeGraph, load
from mgraph.namespaces import MGID
from mgraph.results import ValidationReport
from mgraph.schema import KINDS
from mgraph.serialize import jsonld_context, prepare, to_jsonld, to_ntriples, to_turtle

RELEASE_FILES = ("mercury.ttl", "mercury.nt", "mercury.jsonld", "context.jsonld",
                 "ontology.ttl", "shapes.ttl")


class BuildFailed(MgraphError):
    """The data does not conform: nothing was written (exit 1)."""

    exit_code = EXIT_FAILED

    def __init__(self, report: ValidationReport) -> None:
        self.report = report
        super().__init__(f"{report.count('Violation')} violations; dist/ left as it was")


@dataclass
class BuildResult:
    out_dir: Path
    kg: KnowledgeGraph
    report: ValidationReport
    timings: dict[str, float] = field(default_factory=dict)  # stage -> seconds

    def entities(self) -> dict[str, int]:
        """Records per kind (by IRI, so a REIO counts with the countries)."""
        counts = Counter(iri[len(str(MGID)):].split("/", 1)[0] for iri in self.kg.origins)
        return {k.name: counts[k.name] for k in KINDS}

    def summary(self) -> str:
        lines = [f"{kind:<17} {count:>6}" for kind, count in self.entities().items() if count]
        lines.append(f"{'triples':<17} {len(self.kg.graph):>6}")
        counts = Counter(r.severity for r in self.report.results)
        lines.append(f"{'violations':<17} {counts['Violation']:>6}")
        lines.append(f"{'warnings':<17} {counts['Warning']:>6}")
        timing = ", ".join(f"{stage} {seconds:.2f}s" for stage, seconds in self.timings.items())
        lines.append(f"wrote {self.out_dir} ({timing})")
        return "\n".join(lines)


def release_files(graph: Graph) -> dict[str, bytes]:
    """Every file of a release, as bytes: the same graph gives the same bytes."""
    import json

    context = json.dumps(jsonld_context(), indent=1, sort_keys=True) + "\n"
    triples = prepare(graph)
    return {
        "mercury.ttl": to_turtle(triples),
        "mercury.nt": to_ntriples(triples),
        "mercury.jsonld": to_jsonld(triples),
        "context.jsonld": context.encode(),
        "ontology.ttl": paths.ONTOLOGY.read_bytes(),
        "shapes.ttl": paths.SHAPES.read_bytes(),
    }


def build(data_dir: str | Path | None = None, out_dir: str | Path | None = None, *,
          engine: str = "auto", fail_on_warning: bool = False) -> BuildResult:
    """Build the release into ``out_dir`` (default ``dist/``); raise, writing nothing, on failure."""
    from mgraph.validate import validate

    target = Path(out_dir) if out_dir is not None else paths.DIST
    timings: dict[str, float] = {}
    kg = _timed(timings, "load", lambda: load(data_dir))
    report = _timed(timings, "validate", lambda: validate(kg.graph, engine=engine,
                                                          origins=kg.origins))
    if report.failed(fail_on_warning=fail_on_warning):
        raise BuildFailed(report)
    files = _timed(timings, "serialise", lambda: release_files(kg.graph))
    write_directory(target, files)
    return BuildResult(target, kg, report, timings)


def _timed(timings: dict[str, float], stage: str, work: Callable):
    start = time.perf_counter()
    result = work()
    timings[stage] = time.perf_counter() - start
    return result


def _carry_over(target: Path, staging: Path, ours: set[str]) -> None:
    """Files a user put in the release folder are kept: the swap replaces only ours."""
    if not target.is_dir():
        return
    for item in target.iterdir():
        if item.name in ours:
            continue
        if item.is_dir() and not item.is_symlink():
            shutil.copytree(item, staging / item.name, symlinks=True)
        else:
            shutil.copy2(item, staging / item.name, follow_symlinks=False)


def write_directory(target: Path, files: dict[str, bytes]) -> None:
    """Write all files into a sibling temporary folder, then swap it in for ``target``.

    A failure at any point leaves ``target`` exactly as it was.
    """
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    try:
        for name, content in files.items():
            (staging / name).write_bytes(content)
        _carry_over(target, staging, set(files))
        staging.chmod(0o755)
        if target.exists() and not target.is_dir():
            raise MgraphError(f"{target} exists and is not a directory")
        backup = target.parent / f".{target.name}.old-{os.getpid()}"
        if target.exists():
            os.replace(target, backup)
        try:
            os.replace(staging, target)
        except OSError:
            if backup.exists():
                os.replace(backup, target)
            raise
        shutil.rmtree(backup, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def write_file(path: str | Path, content: bytes) -> None:
    """Write one file atomically: a temporary sibling renamed over it, never a half-written file."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
