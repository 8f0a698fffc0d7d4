"""``mgraph build``: load, validate, then replace ``dist/`` in one step, or leave it untouched."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from mgraph.core import locations
from mgraph.core.crosswalk import LINKED_FILES, crosswalk_sssom
from mgraph.core.errors import EXIT_FAILED, MgraphError
from mgraph.core.files import write_directory
from mgraph.core.loader import KnowledgeGraph, load
from mgraph.core.serialize import jsonld_context, prepare, to_jsonld, to_ntriples, to_turtle
from mgraph.publish.publication import PUBLICATION_FILES, publication_files
from mgraph.validation.results import ValidationReport

INPUTS_FILE = "inputs.sha256"
"""In dist/: a digest of the data, ontology and shapes the release was built from."""

RELEASE_FILES = (
    "mercury.ttl",
    "mercury.nt",
    "mercury.jsonld",
    "context.jsonld",
    "ontology.ttl",
    "shapes.ttl",
    "crosswalk.sssom.tsv",
    INPUTS_FILE,
    *PUBLICATION_FILES,
)


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
        """Records per kind, counted as ``mgraph stats`` counts them."""
        from mgraph.publish.stats import records_by_kind

        return records_by_kind(self.kg.graph)

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
        "ontology.ttl": locations.ONTOLOGY.read_bytes(),
        "shapes.ttl": locations.SHAPES.read_bytes(),
    }


def inputs_digest(data_dir: str | Path | None = None) -> str:
    """One SHA-256 over the names and contents of the data files, the ontology and the shapes."""
    import hashlib

    data = Path(data_dir) if data_dir is not None else locations.DATA
    digest = hashlib.sha256()
    linked = [data / name for name in LINKED_FILES if (data / name).is_file()]
    inputs = [
        *sorted(data.glob("*.yaml")),
        *data.glob("release.toml"),
        *linked,
        locations.ONTOLOGY,
        locations.SHAPES,
    ]
    for path in inputs:
        content = path.read_bytes()
        digest.update(f"{path.name}\0{len(content)}\0".encode())
        digest.update(content)
    return digest.hexdigest()


def stale_note(out_dir: str | Path | None = None, data_dir: str | Path | None = None) -> str | None:
    """A note when the release in ``out_dir`` was built from other inputs than those on disk now.

    Compares content, not file times, so a checkout that restores identical files is not stale.
    """
    target = Path(out_dir) if out_dir is not None else locations.DIST
    recorded = target / INPUTS_FILE
    if not (target / "mercury.nt").is_file():
        return None
    if not recorded.is_file():
        return f"note: {target} records no inputs digest; run `mgraph build` to refresh it"
    if recorded.read_text(encoding="ascii").split()[0:1] != [inputs_digest(data_dir)]:
        return f"note: {target} was built from other data; run `mgraph build` to refresh it"
    return None


def build(
    data_dir: str | Path | None = None,
    out_dir: str | Path | None = None,
    *,
    engine: str = "auto",
    fail_on_warning: bool = False,
    previous: str | Path | None = None,
) -> BuildResult:
    """Build the release into ``out_dir`` (default ``dist/``); raise, writing nothing, on failure.

    ``previous``: the folder of the previous release, to write the diff against it.
    """
    from mgraph.validation.validate import validate

    target = Path(out_dir) if out_dir is not None else locations.DIST
    timings: dict[str, float] = {}
    kg = _timed(timings, "load", lambda: load(data_dir))
    report = _timed(timings, "validate", lambda: validate(kg.graph, engine=engine, origins=kg.origins))
    if report.failed(fail_on_warning=fail_on_warning):
        raise BuildFailed(report)
    files = _timed(timings, "serialise", lambda: release_files(kg.graph))
    files["crosswalk.sssom.tsv"] = crosswalk_sssom(kg.graph, Path(data_dir or locations.DATA))
    files[INPUTS_FILE] = f"{inputs_digest(data_dir)}  data ontology shapes\n".encode()
    files.update(_timed(timings, "publish", lambda: publication_files(files, data_dir, previous)))
    write_directory(target, files)
    return BuildResult(target, kg, report, timings)


def _timed(timings: dict[str, float], stage: str, work: Callable):
    start = time.perf_counter()
    result = work()
    timings[stage] = time.perf_counter() - start
    return result
