"""Validation results as plain values, shared by every engine and every report format."""

from __future__ import annotations

from dataclasses import dataclass, field

SEVERITIES = ("Violation", "Warning", "Info")


@dataclass(frozen=True)
class ValidationResult:
    """One SHACL result, engine-independent. Terms are N-Triples strings (``<iri>``, ``"x"^^<dt>``)."""

    severity: str  # one of SEVERITIES
    focus: str
    path: str | None
    value: str | None
    message: str
    shape: str | None = None  # sh:sourceShape
    constraint: str | None = None  # sh:sourceConstraintComponent
    file: str | None = None  # where the focus node's record (or the user's file) is
    line: int | None = None
    record: str | None = None  # "decision 'mc-5-3'" for curated data


@dataclass
class ValidationReport:
    """All results of one validation run, sorted for stable output."""

    results: list[ValidationResult] = field(default_factory=list)
    engine: str = "pyshacl"

    def count(self, severity: str) -> int:
        return sum(1 for r in self.results if r.severity == severity)

    @property
    def conforms(self) -> bool:
        """True when there is no Violation (warnings do not break conformance for us)."""
        return self.count("Violation") == 0

    def failed(self, *, fail_on_warning: bool = False) -> bool:
        return not self.conforms or (fail_on_warning and self.count("Warning") > 0)
