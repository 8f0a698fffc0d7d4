"""Validation of a user's files and shapes speaks up (issue 16, part 4).

- ``--shapes`` in either order, repeated or comma-separated; data files anywhere on the line.
- A shapes file is checked before use: each mistake in ``fixtures/user/shapes-errors/`` is exit 2
  with the file, the line and what to write; the well-formed one validates.
- Every result has a message, the engine's own explanation where the shape gives none.
- Links to our entities: without our graph, "validate with it"; with it, "did you mean".
- A result's line is its triple's line; JSON reports give plain IRIs.
"""

from __future__ import annotations

import json

import pytest
from paths import USER

from mgraph.cli import main

ERRORS = USER / "shapes-errors"
THINGS = str(USER / "things.ttl")


@pytest.mark.parametrize(
    ("file", "line", "says"),
    [
        pytest.param("bad-regex.ttl", 8, 'sh:pattern "[" is not a valid regular expression', id="bad-regex"),
        pytest.param("typo-term.ttl", 8, "sh:minCont is not a SHACL term", id="typo-term"),
        pytest.param("typo-term.ttl", 8, "did you mean sh:minCount?", id="typo-term-hint"),
        pytest.param("literal-datatype.ttl", 8, "write xsd:date without quotes", id="literal-datatype"),
        pytest.param("text-count.ttl", 8, "sh:maxCount takes a non-negative integer", id="text-count"),
        pytest.param("unknown-node-kind.ttl", 8, "did you mean sh:IRI?", id="unknown-node-kind"),
        pytest.param("syntax.ttl", None, "syntax error", id="syntax"),
    ],
)
def test_a_bad_shapes_file_is_exit_2_located(capsys, file: str, line: int | None, says: str) -> None:
    path = ERRORS / file
    assert main(["validate", "--shapes", str(path), THINGS]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # no partial report
    assert "Traceback" not in captured.err
    prefix = f"{path}:{line}: " if line else f"{path}:"
    assert any(row.startswith(prefix) and says in row for row in captured.err.splitlines()), captured.err


def test_the_well_formed_shapes_file_validates_and_explains_itself(capsys) -> None:
    # The failing twin of the battery above: the same form, no mistake, so it runs.
    assert main(["validate", "--shapes", str(ERRORS / "good.ttl"), "--no-default-shapes", THINGS]) == 1
    out = capsys.readouterr().out
    # ex:chair has no name; the shape has no sh:message, so the engine says what is wrong
    assert "has 0 value(s); at least 1 required (sh:minCount)" in out
    assert "message:    \n" not in out


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["--shapes", "{S}", "{D}"], id="pyshacl-order"),
        pytest.param(["{D}", "--shapes", "{S}"], id="data-first"),
        pytest.param(["--shapes", "{S},{S2}", "{D}"], id="comma-list"),
        pytest.param(["--shapes", "{S}", "--shapes", "{S2}", "{D}"], id="repeated"),
        pytest.param(["--shapes", "{S}", "{D}", "--no-default-shapes"], id="data-between-options"),
    ],
)
def test_shapes_and_data_in_any_order(capsys, argv: list[str]) -> None:
    values = {"{S}": str(USER / "things.shapes.ttl"), "{S2}": str(ERRORS / "good.ttl"), "{D}": THINGS}
    filled = [a.replace("{S2}", values["{S2}"]).replace("{S}", values["{S}"]) for a in argv]
    code = main(["validate", *(values.get(a, a) for a in filled), "--no-default-shapes"])
    captured = capsys.readouterr()
    assert code == 1, captured.err  # ex:chair breaks the user's shapes: the data was read as data
    assert "ex:chair" in captured.out or "things/chair" in captured.out


def test_an_unknown_option_after_a_data_file_is_still_refused(capsys) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["validate", THINGS, "--shapes", str(USER / "things.shapes.ttl"), THINGS, "--bogus"])
    assert stop.value.code == 2
    assert "unrecognized arguments" in capsys.readouterr().err


def test_a_link_to_our_entity_without_our_graph_says_to_add_it(capsys) -> None:
    assert main(["validate", str(USER / "links-to-ours.ttl")]) == 1
    out = capsys.readouterr().out
    assert "meeting:cop-5 is an entity of our graph: validate with it (--with-graph)" in out


def test_an_unknown_link_with_our_graph_gets_did_you_mean(capsys) -> None:
    assert main(["validate", str(USER / "links-to-unknown.ttl"), "--with-graph"]) == 1
    out = capsys.readouterr().out
    assert "meeting:cop-9 is not in our graph; did you mean" in out
    assert "meeting:cop-" in out.split("did you mean", 1)[1]
    # the link that does resolve gets no hint
    assert "convention:minamata is" not in out


def test_a_result_points_at_its_triple_not_the_subject(capsys) -> None:
    # mg:adoptedAt is on line 12 of the file, mg:ofConvention on 13; the subject starts on line 9
    assert main(["validate", str(USER / "links-to-ours.ttl")]) == 1
    out = capsys.readouterr().out
    assert "links-to-ours.ttl:12\n" in out and "links-to-ours.ttl:13\n" in out
    assert "links-to-ours.ttl:9\n" not in out


def test_json_report_gives_plain_iris(capsys) -> None:
    main(["validate", str(USER / "links-to-ours.ttl"), "--format", "json"])
    results = json.loads(capsys.readouterr().out)["results"]
    assert results
    for result in results:
        assert result["focus"] == "https://example.org/my/decision-9"
        assert not result["value"].startswith("<")
        assert result["path"].startswith("https://w3id.org/mgraph/ontology#")
