"""`mgraph validate FILE` took 22 s on a 30k-triple N-Triples file and 584 s on 100k: for each
result whose triple was not on its focus node's first line, LineFinder read every line to the
end of the file. It now reads only the lines that use the focus node."""

from __future__ import annotations

from pathlib import Path

from mgraph.validation.engines.common import LineFinder
from mgraph.validation.results import ValidationResult


class CountingLines(list):
    """The file's lines, counting how many times one is read."""

    reads = 0

    def __getitem__(self, index):
        CountingLines.reads += 1
        return super().__getitem__(index)


def test_lines_read_grow_with_the_file_not_with_results_times_lines(tmp_path: Path) -> None:
    n = 2000
    ex = "https://example.org/"
    lines = [f"<{ex}s{i}> <{ex}p> <{ex}o{i}> ." for i in range(n)]
    lines += [f"<{ex}s{i}> <{ex}q> <{ex}v{i}> ." for i in range(n)]  # each subject's second triple
    path = tmp_path / "data.nt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    results = [ValidationResult("Violation", f"<{ex}s{i}>", f"<{ex}q>", f"<{ex}v{i}>", "") for i in range(n)]
    finder = LineFinder([(str(path), path)])
    finder._scan(str(path), path, {r.focus[1:-1] for r in results})
    text_lines, prefixes = finder._read[str(path)]
    finder._read[str(path)] = (CountingLines(text_lines), prefixes)
    CountingLines.reads = 0
    located = [finder._triple_line(str(path), i + 1, r) for i, r in enumerate(results)]
    assert located == [n + i + 1 for i in range(n)]  # the line of the (focus, q, value) triple
    assert CountingLines.reads < 20 * n  # it was about n * n / 2
