"""Adding a record kind, done in a test: one ``Kind`` and the rest follows.

A kind registered with :func:`mgraph.core.schema.register_kind` (or written into the schema's
table) is read by the loader, checked with located errors, linted, in the JSON Schema and in the
README's field tables, because every reader asks the live table (``kinds()``, ``kind_named()``,
``kind_of_file()``) instead of keeping a copy made at import. What is written by hand on purpose
(the class in the ontology, the node shape, the IRI prefix, the shape fixtures) is named by the
model's own tests until it is there: ``test_the_model_tests_name_what_a_new_kind_lacks`` runs
them with the kind added.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from paths import GOOD, ROOT, TESTS
from rdflib import RDF, RDFS, Literal, URIRef

import mgraph
from mgraph.cli import main
from mgraph.core import schema
from mgraph.core.errors import DataLoadError
from mgraph.core.namespaces import MG, MGID, SCHEMA
from mgraph.core.schema import COMMON, Field, Kind, register_kind

WIDGET = Kind(
    "widget",
    "widgets.yaml",
    MG.Widget,
    (
        Field("name", RDFS.label, "str", required=True),
        Field("organisers", SCHEMA.organizer, "ref", many=True, targets=("organisation",)),
        *(f for f in COMMON if f.name != "name"),
    ),
    doc="A toy record kind, added by a test.",
)
WIDGETS = """\
- id: w-1
  name: First widget
  organisers: [unep]
  sources: [https://example.org/widget]
"""


@pytest.fixture
def widget(monkeypatch: pytest.MonkeyPatch) -> Kind:
    """The widget kind, registered for one test (the table is restored after it)."""
    monkeypatch.setattr(schema, "_KINDS", dict(schema._KINDS))
    return register_kind(WIDGET)


def _data(tmp_path: Path, widgets: str = WIDGETS) -> Path:
    data = tmp_path / "data"
    shutil.copytree(GOOD, data)
    (data / "widgets.yaml").write_text(widgets, encoding="utf-8")
    return data


def test_a_kind_not_in_the_table_is_no_data_file(tmp_path: Path) -> None:
    with pytest.raises(DataLoadError, match=r"widgets.yaml:1: unknown data file; expected one of: .*conv"):
        mgraph.load(_data(tmp_path))


def test_a_registered_kind_is_loaded_with_its_class_and_fields(widget: Kind, tmp_path: Path) -> None:
    kg = mgraph.load(_data(tmp_path))
    w1 = URIRef(f"{MGID}widget/w-1")
    assert (w1, RDF.type, MG.Widget) in kg.graph
    assert (w1, RDFS.label, Literal("First widget", lang="en")) in kg.graph
    assert (w1, SCHEMA.organizer, URIRef(f"{MGID}organisation/unep")) in kg.graph
    assert kg.origins[str(w1)][1:] == (1, "widget 'w-1'")


def test_a_registered_kind_gets_located_errors(widget: Kind, tmp_path: Path) -> None:
    broken = WIDGETS + "- id: w-2\n  name: Second\n  organisers: [cop-4]\n  colour: blue\n"
    with pytest.raises(DataLoadError) as caught:
        mgraph.load(_data(tmp_path, broken))
    messages = [str(e) for e in caught.value.errors]
    assert any(re.search(r"widgets.yaml:8: widget 'w-2': .*colour", m) for m in messages), messages
    wrong_kind = r"widgets.yaml:7: widget 'w-2': .*a meeting; expected a organisation"
    assert any(re.search(wrong_kind, m) for m in messages), messages


def test_a_registered_kind_is_linted(widget: Kind, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from mgraph.curation.lint import data_files

    data = _data(tmp_path, "- name: First widget\n  id: w-1\n")
    path = data / "widgets.yaml"
    assert main(["lint", "--check", str(path)]) == 1
    assert "widgets.yaml:1: not in canonical form" in capsys.readouterr().err
    assert main(["lint", str(path)]) == 0
    assert path.read_text(encoding="utf-8") == "- id: w-1\n  name: First widget\n"
    assert path in data_files(data)


def test_a_registered_kind_is_in_the_json_schema_and_the_tables(widget: Kind, tmp_path: Path) -> None:
    import jsonschema
    import yaml

    from mgraph.curation.jsonschema import json_schema, markdown_tables

    document = {**json_schema(), "$ref": "#/$defs/widgets.yaml"}
    del document["anyOf"]
    validator = jsonschema.Draft202012Validator(document)
    assert validator.is_valid(yaml.safe_load(WIDGETS))
    assert not validator.is_valid([{"id": "w-1", "name": "x", "colour": "blue"}])
    tables = markdown_tables()
    assert "### `widgets.yaml`: widget\n\nA toy record kind, added by a test." in tables
    assert "| `organisers` | ref[] → organisation |  | `schema:organizer` |" in tables


def test_a_registered_kind_is_known_to_queries_and_counts(widget: Kind, tmp_path: Path) -> None:
    from mgraph.core.serialize import turtle_prefixes
    from mgraph.publish.stats import records_by_kind
    from mgraph.queries.binding import id_candidates
    from mgraph.queries.library import read_query

    assert turtle_prefixes()["widget"] == f"{MGID}widget/"
    assert records_by_kind(mgraph.load(_data(tmp_path)).graph)["widget"] == 1
    rq = tmp_path / "widget.rq"
    rq.write_text(
        "# question: The widget's label.\n# param: thing id:widget (required) — a widget, such as w-1\n"
        "SELECT ?l WHERE { ?thing rdfs:label ?l } ORDER BY ?l\n",
        encoding="utf-8",
    )
    (param,) = read_query(rq).params
    assert param.kind == "widget"
    assert id_candidates(param, "widget:w-1") == id_candidates(param, "w-1") == [URIRef(f"{MGID}widget/w-1")]


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        pytest.param(WIDGET, "name or file taken", id="twice"),
        pytest.param(Kind("Widget", "w.yaml", MG.W, ()), "lower-case name", id="name"),
        pytest.param(Kind("gadget", "gadgets.txt", MG.G, ()), "NAME.yaml", id="file"),
        pytest.param(
            Kind("gadget", "gadgets.yaml", MG.G, (Field("of", RDFS.seeAlso, "ref", targets=("nothing",)),)),
            "do not exist: nothing",
            id="target",
        ),
        pytest.param(Kind("gadget", "gadgets.yaml", MG.G, (), class_field="kind"), "enum", id="class-field"),
    ],
)
def test_a_kind_that_does_not_fit_is_refused(widget: Kind, kind: Kind, message: str) -> None:
    before = schema.kinds()
    with pytest.raises(ValueError, match=message):
        register_kind(kind)
    assert schema.kinds() == before


# The model's own tests (ontology, shapes, prefixes), run in a fresh process where the widget kind
# is registered before they are collected, so that their tables of kinds include it.
PLUGIN = """\
from pathlib import Path

from rdflib import Namespace

from mgraph.core import locations, namespaces
from mgraph.core.schema import register_kind
from test_record_kinds import ONTOLOGY_ADDITION, SHAPES_ADDITION, WIDGET

register_kind(WIDGET)
if {added!r}:  # the hand-written parts, added to copies of the ontology and the shapes
    here = Path({folder!r})
    for name, addition in (("mercury.ttl", ONTOLOGY_ADDITION), ("shapes.ttl", SHAPES_ADDITION)):
        text = (locations.ROOT / "ontology" / name).read_text(encoding="utf-8")
        (here / name).write_text(text + addition, encoding="utf-8")
    locations.ONTOLOGY, locations.SHAPES = here / "mercury.ttl", here / "shapes.ttl"
    namespaces.INSTANCE_KINDS += ("widget",)  # as if written in namespaces.py
    namespaces.PREFIXES["widget"] = Namespace(f"{{namespaces.MGID}}widget/")
"""
ONTOLOGY_ADDITION = """
mg:Widget a owl:Class ;
    rdfs:subClassOf schema:Thing ;
    rdfs:label "Widget"@en ;
    skos:definition "A toy record kind, added by a test of how record kinds are added."@en ;
    rdfs:isDefinedBy <https://w3id.org/mgraph/ontology> .
"""
SHAPES_ADDITION = """
mgsh:RecordShape sh:targetClass mg:Widget .

mgsh:WidgetShape
    a sh:NodeShape ;
    rdfs:label "Widget"@en ;
    sh:targetClass mg:Widget ;
    sh:property mgsh:widget-organisers .

mgsh:widget-organisers
    a sh:PropertyShape ;
    sh:path schema:organizer ;
    sh:class mg:Organisation ;
    sh:message "Every value of `organisers` (schema:organizer) of a widget must name an organisation."@en .
"""
SELECTED = " or ".join(
    (
        "widget",
        "every_record_kind_has_its_prefix",
        "every_shape_has_pass_and_fail_fixtures",
        "made_to_fire",
        "shapes_use_only_declared_terms",
        "every_shape_says_what_to_fix",
    )
)


def model_tests(tmp_path: Path, *, added: bool) -> tuple[list[str], dict[str, str]]:
    """The model tests with the widget kind (and, if ``added``, its hand-written parts): the ids
    of those that ran, and the failed ones with their messages."""
    (tmp_path / "widget_plugin.py").write_text(PLUGIN.format(added=added, folder=str(tmp_path)))
    files = [str(TESTS / f) for f in ("test_ontology.py", "test_shapes.py", "test_short_names.py")]
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "widget_plugin"]
    command += ["-q", "-rf", "--no-header", "-k", SELECTED, *files]
    env = {**os.environ, "COLUMNS": "1000", "PYTHONPATH": os.pathsep.join([str(tmp_path), str(TESTS)])}
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, check=False)
    assert done.returncode in (0, 1), done.stdout + done.stderr
    failed = dict(re.findall(r"^FAILED tests/\S+?::(\S+) - (.*)$", done.stdout, re.M))
    return sorted(failed), failed


@pytest.mark.slow  # two runs of pytest in a subprocess
def test_the_model_tests_name_what_a_new_kind_lacks(tmp_path: Path) -> None:
    (tmp_path / "bare").mkdir()
    failed, messages = model_tests(tmp_path / "bare", added=False)
    assert failed == [
        "test_every_field_has_its_property_shape[widget.organisers]",
        "test_every_record_class_is_targeted[widget]",
        "test_every_record_kind_has_its_prefix",
        "test_minted_term_is_declared[mg:Widget]",
    ]
    assert "in ontology/mercury.ttl" in messages["test_minted_term_is_declared[mg:Widget]"]
    assert "in ontology/shapes.ttl" in messages["test_every_record_class_is_targeted[widget]"]
    assert "mgraph/core/namespaces.py" in messages["test_every_record_kind_has_its_prefix"]
    (tmp_path / "added").mkdir()
    failed, messages = model_tests(tmp_path / "added", added=True)
    assert failed == [  # what is left is the shape's pass and fail fixtures in tests/shapes/
        "test_every_property_shape_and_sparql_constraint_is_made_to_fire",
        "test_every_shape_has_pass_and_fail_fixtures",
    ]
    assert "WidgetShape" in messages["test_every_shape_has_pass_and_fail_fixtures"]
    assert "widget-organisers" in messages["test_every_property_shape_and_sparql_constraint_is_made_to_fire"]
