"""Typed records: our dataclasses (mgraph.core.models) against pydantic v2 models, on data/.

Both are generated from the same schema table and check the same type rules. The dataclass path
is what ``mgraph.load`` runs: YAML events -> Nodes with lines -> Records. The pydantic path is its
best case: the YAML parsed straight into plain Python (no lines kept, which our `file:line`
errors need) and validated by one model per kind, built with ``pydantic.create_model`` from the
table, with pydantic's own constraints (types, enums, patterns, lengths) and our checks only
where pydantic has none (dates, durations). Prints CPU time (process_time: the machine may
be shared), never asserts.

Measured on 2 December 2026 (15 files, 1,179 records, CPU time, median of 7, 2 cores):
  dataclasses  read_records(data/)                      84-95 ms (lines kept, all checks)
  pydantic     parse + validate                         79-93 ms (no lines; as fast, give or take)
  pydantic     building the 15 models (once a process)  210-250 ms
Pydantic's validation proper is fast (Rust), but it needs the YAML parsed into plain values
besides the tree with lines, cannot carry the line of each value (its error locations would be
mapped back through that tree), its Rust regexes lack the look-ahead our duration pattern uses,
and building the models costs more than reading all the data, at every start of a command. The
dataclasses keep one parse, the lines, our messages word for word, and need no new dependency:
records are dataclasses. (mgraph.load(data/) as a whole: 330 ms CPU before this change, 335 ms
after: the event-level reader with its limits costs nothing measurable.)

Usage: python benchmarks/records.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Annotated, Any, Literal


def median_time(work: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.process_time()
        work()
        times.append(time.process_time() - start)
    return statistics.median(times)


def pydantic_models() -> dict[str, Any]:
    """One pydantic model per kind, generated from the schema table (the alternative measured)."""
    from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, create_model

    from mgraph.core import models
    from mgraph.core.schema import ID_PATTERN, kinds

    def scalar(spec: Any) -> Any:
        if spec.name == "sources" or spec.type in ("str", "text", "ref", "url"):
            pattern = {"ref": ID_PATTERN, "url": models.URL_RE.pattern}.get(spec.type, spec.pattern)
            if spec.name == "sources":
                pattern = None
            return Annotated[str, StringConstraints(max_length=models.MAX_VALUE_CHARS, pattern=pattern)]
        if spec.type == "int":
            return int
        if spec.type == "decimal":
            return float
        if spec.type == "enum":
            return Literal[tuple(spec.enum)]
        if spec.type in ("date", "duration"):  # Rust regexes have no look-ahead: our check
            return Annotated[str, BeforeValidator(lambda v, s=spec: models.check_scalar(s, v))]
        raise AssertionError(spec.type)

    from mgraph.core.schema import Field as SchemaField

    as_of = SchemaField("as_of", kinds()[0].fields[0].predicate, "date")
    out = {}
    for kind in kinds():
        fields: dict[str, Any] = {"id": (Annotated[str, StringConstraints(pattern=ID_PATTERN)], ...)}
        for spec in kind.fields:
            one = scalar(spec)
            long_form = create_model(  # type: ignore[call-overload]
                f"{kind.name}-{spec.name}-long",
                __config__=ConfigDict(extra="forbid"),
                value=(one, ...),
                sources=(list[str] | None, None),
                note=(str | None, None),
                approximate=(bool, False),
                as_of=(scalar(as_of) | None, None),
            )
            item = one | long_form
            typ = list[item] if spec.many else item | Annotated[list[long_form], Field(min_length=2)]
            fields[spec.name] = (typ, ... if spec.required else None)
        out[kind.file] = create_model(kind.name, __config__=ConfigDict(extra="forbid"), **fields)
    assert BaseModel
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    import yaml

    from mgraph.core import locations
    from mgraph.core.records import _Loader, read_records

    files = sorted(p for p in locations.DATA.glob("*.yaml"))
    errors: list = []
    reading = read_records(locations.DATA, errors)
    assert not errors, errors
    start = time.process_time()
    models = pydantic_models()
    build = time.process_time() - start

    def with_pydantic() -> int:
        count = 0
        for path in files:
            model = models[path.name]
            for record in yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader):
                model.model_validate(record)
                count += 1
        return count

    assert with_pydantic() == len(reading.records)
    dataclasses = median_time(lambda: read_records(locations.DATA, []), args.repeat)
    pydantic = median_time(with_pydantic, args.repeat)
    print(f"{len(files)} files, {len(reading.records)} records, median of {args.repeat}")
    print(f"dataclasses  read_records          {dataclasses * 1000:8.1f} ms  1.00x")
    print(f"pydantic     parse + validate      {pydantic * 1000:8.1f} ms  {pydantic / dataclasses:.2f}x")
    print(f"pydantic     build the models      {build * 1000:8.1f} ms  (once a process)")


if __name__ == "__main__":
    main()
