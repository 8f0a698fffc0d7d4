"""Validation results as plain values, shared by every engine and every report format."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

SEVERITIES = ("Violation", "Warning", "Info")


@dataclass(frozen=True)
class ValidationResult:
    """One SHACL result, engine-independent. Terms are N-Triples strings (``<iri>``, ``"x"^^<dt>``)."""

    severity: str  # one of SEVERITIES, or the local name of a custom severity
    focus: str
    path: str | None
    value: str | None
    message: str
    shape: str | None = None  # sh:sourceShape
    constraint: str | None = None  # sh:sourceConstraintComponent
    file: str | None = None  # where the focus node's record (or the user's file) is
    line: int | None = None
    record: str | None = None  # "decision 'mc-5-3'" for curated data


def sort_key(result: ValidationResult) -> tuple[Any, ...]:
    """THE order of results (API and every renderer): Violations first, then by file, line, focus
    and the remaining fields, so that the same results always come out in the same order."""
    rank = SEVERITIES.index(result.severity) if result.severity in SEVERITIES else len(SEVERITIES)
    return (
        rank,
        result.severity,
        result.file is None,
        result.file or "",
        result.line or 0,
        result.focus,
        result.path or "",
        result.value or "",
        result.message,
        result.shape or "",
        result.constraint or "",
        result.record or "",
    )


def sort_results(results: Iterable[ValidationResult]) -> list[ValidationResult]:
    """The results in :func:`sort_key` order; equal results are all kept (no de-duplication)."""
    return sorted(results, key=sort_key)


@dataclass
class ValidationReport:
    """All results of one validation run, sorted for stable output."""

    results: list[ValidationResult] = field(default_factory=list)
    engine: str = "pyshacl"
    hidden: int = 0  # results left out of ``results`` by a severity filter (still non-conforming)

    def count(self, severity: str) -> int:
        return sum(1 for r in self.results if r.severity == severity)

    @property
    def conforms(self) -> bool:
        """SHACL's sh:conforms: true only when there is no result at all, of any severity."""
        return not self.results and not self.hidden

    def only(self, severities: Iterable[str]) -> ValidationReport:
        """The report showing only results of these severities; the others count as hidden."""
        wanted = set(severities)
        shown = [r for r in self.results if r.severity in wanted]
        return ValidationReport(shown, self.engine, self.hidden + len(self.results) - len(shown))

    def failed(self, *, fail_on_warning: bool = False) -> bool:
        """The CLI's exit policy (not conformance): a Violation, or a Warning when asked."""
        return self.count("Violation") > 0 or (fail_on_warning and self.count("Warning") > 0)
