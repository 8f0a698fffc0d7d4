"""Every export format read back by a real reader, byte-identical across runs, and every bad
input refused with exit 2 before anything is written."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import zipfile
from pathlib import Path
from typing import ClassVar

import networkx as nx
import pytest
from paths import TINY
from rdflib import Graph
from rdflib.compare import isomorphic

from mgraph.cli import main
from mgraph.core.errors import InputError
from mgraph.core.terms import to_rdflib
from mgraph.exporters import FORMATS, Option, get, names, register
from mgraph.exporters._flat import edge_values, node_values
from mgraph.networks.views import build_view, view_triples

OURS = [name for name in FORMATS if name != "html"]  # html: the offline page, tested on its own


@pytest.fixture(scope="module")
def actors():
    return build_view("actors")


@pytest.fixture(scope="module")
def focused():
    return build_view("actors", focus="Burkina Faso", depth=2)


@pytest.fixture(scope="module")
def exported(actors) -> dict[str, bytes]:
    return {name: get(name).export(actors) for name in OURS}


def _write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def _flat_nodes(view) -> dict:
    return {iri: node_values(attrs) for iri, attrs in view.nodes(data=True)}


def _flat_edges(view) -> list:
    return sorted(
        (u, v, json.dumps(edge_values(k, a), sort_keys=True))
        for u, v, k, a in view.edges(keys=True, data=True)
    )


def test_every_listed_format_but_html_is_here() -> None:
    assert set(OURS) <= set(names())
    for name in OURS:
        module = get(name)
        assert module.NAME == name and module.EXTENSION and module.MEDIA_TYPE and module.DESCRIPTION


def test_graphml_reads_back_with_the_same_typed_attributes(actors, exported, tmp_path) -> None:
    back = nx.read_graphml(_write(tmp_path, "a.graphml", exported["graphml"]), force_multigraph=True)
    assert back.number_of_nodes() == actors.number_of_nodes()
    assert back.number_of_edges() == actors.number_of_edges()
    assert dict(back.nodes(data=True)) == _flat_nodes(actors)  # same values, same types (int, str)
    assert sorted((u, v, json.dumps(d, sort_keys=True)) for u, v, d in back.edges(data=True)) == _flat_edges(
        actors
    )


def test_gexf_reads_back_with_types_and_timeline_dates(actors, exported, tmp_path) -> None:
    text = exported["gexf"].decode()
    assert 'version="1.3"' in text and 'timeformat="date"' in text and 'mode="dynamic"' in text
    back = nx.read_gexf(_write(tmp_path, "a.gexf", exported["gexf"]), version="1.3")
    assert back.number_of_nodes() == actors.number_of_nodes()
    assert back.number_of_edges() == actors.number_of_edges()
    session = "https://w3id.org/mgraph/id/event/minamata-online"
    assert actors.nodes[session]["start"] == "2020-09"
    assert (back.nodes[session]["start"], back.nodes[session]["end"]) == ("2020-09-01", "2020-12-31")
    for iri, expected in _flat_nodes(actors).items():
        got = back.nodes[iri]
        assert got["n_sources"] == expected["n_sources"] and isinstance(got["n_sources"], int)
        assert got["label"] == expected["label"] and got["classes"] == expected["classes"]
    weights = sorted(d["weight"] for *_, d in back.edges(data=True))
    assert weights == sorted(a["weight"] for *_, a in actors.edges(data=True))


def test_cytoscape_json_has_elements_and_reads_back(actors, exported) -> None:
    document = json.loads(exported["cytoscape"])
    nodes, edges = document["elements"]["nodes"], document["elements"]["edges"]
    assert len(nodes) == actors.number_of_nodes() and len(edges) == actors.number_of_edges()
    ids = {n["data"]["id"] for n in nodes}
    assert all(e["data"]["source"] in ids and e["data"]["target"] in ids for e in edges)
    assert len({e["data"]["id"] for e in edges}) == len(edges)
    assert all(n["data"]["name"] for n in nodes)
    back = nx.cytoscape_graph(document)
    assert back.number_of_nodes() == actors.number_of_nodes()
    assert back.number_of_edges() == actors.number_of_edges()


def test_dot_renders_with_graphviz(focused, tmp_path) -> None:
    from servers import require_tool

    from mgraph.exporters.dot import LEGEND_PREFIX

    require_tool("dot", "Debian package graphviz")

    source = _write(tmp_path, "a.dot", get("dot").export(focused))
    done = subprocess.run(["dot", "-Tjson", str(source)], capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr.decode()
    drawn = json.loads(done.stdout)
    entities = [o for o in drawn["objects"] if "nodes" not in o and not o["name"].startswith(LEGEND_PREFIX)]
    assert len(entities) == focused.number_of_nodes()
    assert len(drawn["edges"]) == focused.number_of_edges()
    svg = subprocess.run(["dot", "-Tsvg", str(source)], capture_output=True, timeout=60)
    assert svg.returncode == 0 and b"<svg" in svg.stdout


def test_dot_escapes_quotes_and_backslashes() -> None:
    from mgraph.exporters.dot import quote

    assert quote('a "b" \\ c\nd') == '"a \\"b\\" \\\\ c\\nd"'


def test_mermaid_lists_every_node_and_edge(focused) -> None:
    lines = get("mermaid").export(focused).decode().splitlines()
    assert lines[0] == "flowchart LR"
    assert len([x for x in lines if x.strip().startswith("n") and "[" in x]) == focused.number_of_nodes()
    assert len([x for x in lines if "-->" in x]) == focused.number_of_edges()


def test_mermaid_labels_are_escaped() -> None:
    from mgraph.exporters.mermaid import label

    assert label('Say "hi" <b>#1 | 2') == '"Say #quot;hi#quot; #lt;b#gt;#35;1 #124; 2"'


def test_nodelink_reads_back_equal(actors, exported) -> None:
    data = json.loads(exported["nodelink"])
    back = nx.node_link_graph(data, edges="edges")  # networkx's defaults: nodes named by "id"
    assert {n: {**d, "id": n} for n, d in back.nodes(data=True)} == {
        iri: {**{k: v for k, v in attrs.items() if k != "id"}, "id": iri, "record_id": attrs["id"]}
        for iri, attrs in actors.nodes(data=True)
    }
    assert sorted(back.edges(keys=True)) == sorted(actors.edges(keys=True))
    assert back.graph == actors.graph


def _counts_graphml(content: bytes, tmp_path: Path) -> tuple[int, int]:
    back = nx.read_graphml(_write(tmp_path, "a.graphml", content), force_multigraph=True)
    return back.number_of_nodes(), back.number_of_edges()


def _counts_gexf(content: bytes, tmp_path: Path) -> tuple[int, int]:
    back = nx.read_gexf(_write(tmp_path, "a.gexf", content), version="1.3")
    return back.number_of_nodes(), back.number_of_edges()


def _counts_csv(content: bytes, tmp_path: Path) -> tuple[int, int]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        nodes = list(csv.DictReader(io.StringIO(archive.read("nodes.csv").decode())))
        edges = list(csv.DictReader(io.StringIO(archive.read("edges.csv").decode())))
    ids = {n["Id"] for n in nodes}
    assert all(e["Source"] in ids and e["Target"] in ids for e in edges)
    return len(ids), len(edges)


def _counts_cytoscape(content: bytes, tmp_path: Path) -> tuple[int, int]:
    back = nx.cytoscape_graph(json.loads(content))
    return back.number_of_nodes(), back.number_of_edges()


def _counts_nodelink(content: bytes, tmp_path: Path) -> tuple[int, int]:
    data = json.loads(content)
    # D3's forceLink(...).id(d => d.id) resolves every link end to a node by its id, or fails
    ids = [n["id"] for n in data["nodes"]]
    assert len(ids) == len(set(ids))
    assert all(e["source"] in set(ids) and e["target"] in set(ids) for e in data["edges"])
    back = nx.node_link_graph(data, edges="edges")  # networkx with its defaults
    return back.number_of_nodes(), back.number_of_edges()


def _counts_dot(content: bytes, tmp_path: Path) -> tuple[int, int]:
    from servers import require_tool

    from mgraph.exporters.dot import LEGEND_PREFIX

    require_tool("gc", "Debian package graphviz")
    source = _write(tmp_path, "a.dot", content)
    legend = content.decode().count(f'"{LEGEND_PREFIX}')
    done = subprocess.run(["gc", "-n", "-e", str(source)], capture_output=True, timeout=60, text=True)
    assert done.returncode == 0, done.stderr
    n, e = (int(x) for x in done.stdout.split()[:2])
    return n - legend, e


def _counts_mermaid(content: bytes, tmp_path: Path) -> tuple[int, int]:
    import re

    lines = content.decode().splitlines()
    defined = {m.group(1) for x in lines if (m := re.match(r"\s+(n\d+)\[", x))}
    links = [m.groups() for x in lines if (m := re.match(r"\s+(n\d+) -->\|.*\| (n\d+)$", x))]
    assert all(a in defined and b in defined for a, b in links)
    return len(defined), len(links)


READERS = {
    "graphml": _counts_graphml,
    "gexf": _counts_gexf,
    "csv": _counts_csv,
    "cytoscape": _counts_cytoscape,
    "nodelink": _counts_nodelink,
    "dot": _counts_dot,
    "mermaid": _counts_mermaid,
}


@pytest.mark.parametrize("view_name", ["actors", "decisions", "convention", "partnership", "projects"])
@pytest.mark.parametrize("name", sorted(READERS))
def test_every_format_reads_back_with_the_counts_of_graphml(view_name: str, name: str, tmp_path) -> None:
    view = build_view(view_name)
    assert view.number_of_nodes() and view.number_of_edges()
    expected = _counts_graphml(get("graphml").export(view), tmp_path)
    assert expected == (view.number_of_nodes(), view.number_of_edges())
    assert READERS[name](get(name).export(view), tmp_path) == expected


def test_the_corrupt_nodelink_of_before_would_fail_the_read_back(actors, tmp_path) -> None:
    """The reader catches link ends that name no node (record ids as node ids, IRIs as ends)."""
    data = json.loads(get("nodelink").export(actors))
    for node in data["nodes"]:
        node["id"] = node["record_id"]
    with pytest.raises(AssertionError):
        _counts_nodelink(json.dumps(data).encode(), tmp_path)


def test_csv_zip_has_gephi_tables(actors, exported) -> None:
    with zipfile.ZipFile(io.BytesIO(exported["csv"])) as archive:
        assert archive.namelist() == ["edges.csv", "nodes.csv"]
        nodes = list(csv.DictReader(io.StringIO(archive.read("nodes.csv").decode())))
        edges = list(csv.DictReader(io.StringIO(archive.read("edges.csv").decode())))
    assert len(nodes) == actors.number_of_nodes() and len(edges) == actors.number_of_edges()
    assert list(nodes[0])[:2] == ["Id", "Label"]
    assert list(edges[0])[:6] == ["Source", "Target", "Type", "Id", "Label", "Weight"]
    assert {n["Id"] for n in nodes} == set(actors.nodes)
    assert all(e["Source"] in actors and e["Target"] in actors for e in edges)


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        pytest.param("turtle", "turtle", id="turtle"),
        pytest.param("ntriples", "nt", id="ntriples"),
        pytest.param("jsonld", "json-ld", id="jsonld"),
    ],
)
def test_rdf_formats_reparse_to_exactly_the_views_triples(focused, name: str, fmt: str) -> None:
    expected = Graph()
    for t in view_triples(focused):
        expected.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    back = Graph().parse(data=get(name).export(focused).decode(), format=fmt)
    assert len(back) == len(expected) > 0
    assert isomorphic(back, expected)


@pytest.mark.parametrize("name", OURS)
def test_exports_are_byte_identical_across_runs(exported, name: str) -> None:
    again = get(name).export(build_view("actors"))
    assert again == exported[name]


# --- the command and the API ----------------------------------------------------------------


def test_export_command_writes_a_file(tmp_path: Path, capsys) -> None:
    out = tmp_path / "tiny.gexf"
    assert main(["export", "--format", "gexf", "--graph", str(TINY), "-o", str(out)]) == 0
    assert nx.read_gexf(out, version="1.3").number_of_nodes() == 9


def test_export_to_standard_output(capsysbinary) -> None:
    assert main(["export", "-f", "ntriples", "--graph", str(TINY), "--focus", "WHO", "-o", "-"]) == 0
    assert len(capsysbinary.readouterr().out.decode().splitlines()) == 12


@pytest.mark.parametrize("fmt", OURS)
def test_a_file_written_as_it_is_made_holds_the_exported_bytes(fmt: str, tmp_path: Path) -> None:
    """``mgraph export -o FILE`` and ``mgraph.export(out=FILE)`` write through the format's
    ``write`` when it has one (GraphML): the same bytes as ``export`` gives."""
    import mgraph

    expected = mgraph.export(fmt, view="full", graph=TINY)
    out, api = tmp_path / f"cli.{fmt}", tmp_path / f"api.{fmt}"
    assert main(["export", "-f", fmt, "--view", "full", "--graph", str(TINY), "-o", str(out)]) == 0
    assert mgraph.export(fmt, api, view="full", graph=TINY) is None
    assert out.read_bytes() == api.read_bytes() == expected


def test_a_write_that_fails_half_way_leaves_no_file(tmp_path: Path) -> None:
    from mgraph.core.files import write_file

    out = tmp_path / "view.graphml"
    out.write_bytes(b"the previous file")

    def half(stream) -> None:
        stream.write(b"<graphml>")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_file(out, half)
    assert out.read_bytes() == b"the previous file"
    assert [p.name for p in tmp_path.iterdir()] == ["view.graphml"]


def test_api_returns_bytes_without_an_output() -> None:
    import mgraph

    content = mgraph.export("mermaid", view="actors", graph=TINY, focus="bfa", depth=1)
    assert content.decode().startswith("flowchart LR") and "Burkina Faso" in content.decode()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--format", "pdf"], "invalid choice", id="unknown-format"),
        pytest.param(["--classes", "mg:Nothing"], "unknown class", id="unknown-class"),
        pytest.param(["--relations", "nothing-at-all"], "unknown relation", id="unknown-relation"),
        pytest.param(["--focus", "Atlantis"], "no entity is named", id="focus-matches-nothing"),
        pytest.param(["--focus", "GEF"], "ambiguous", id="focus-matches-several"),
        pytest.param(["--focus", "who", "--depth", "-1"], "depth", id="negative-depth"),
        pytest.param(["--since", "2024", "--until", "2023"], "after until", id="since-after-until"),
        pytest.param(["--view", "everything"], "unknown view", id="unknown-view"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(tmp_path: Path, capsys, args: list, message: str) -> None:
    out = tmp_path / "out.graphml"
    argv = [
        "export",
        *(["--format", "graphml"] if "--format" not in args else []),
        *args,
        "--graph",
        str(TINY),
        "-o",
        str(out),
    ]
    with pytest.raises(SystemExit) if message == "invalid choice" else _no_raise() as caught:
        code = main(argv)
    if caught is not None and message == "invalid choice":
        code = caught.value.code
    assert code == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", OURS)
def test_unwritable_output_is_refused_before_any_work(tmp_path: Path, capsys, name: str) -> None:
    out = tmp_path / "missing-folder" / f"view.{get(name).EXTENSION}"
    assert main(["export", "--format", name, "--graph", str(TINY), "-o", str(out)]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_a_folder_is_not_an_output_file(tmp_path: Path, capsys) -> None:
    assert main(["export", "--format", "dot", "--graph", str(TINY), "-o", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


class _no_raise:  # noqa: N801 - a context manager standing in for pytest.raises
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> bool:
        return False


def test_a_large_view_asks_graphviz_for_sfdp_and_renders(actors, tmp_path) -> None:
    from servers import require_tool

    from mgraph.exporters.dot import LARGE

    require_tool("sfdp", "Debian package graphviz")

    assert actors.number_of_nodes() > LARGE
    text = get("dot").export(actors).decode()
    assert "layout=sfdp" in text and "rankdir" not in text
    small = get("dot").export(build_view("actors", graph=TINY)).decode()
    assert "rankdir=LR" in small and "sfdp" not in small
    done = subprocess.run(
        ["dot", "-Tsvg", str(_write(tmp_path, "a.dot", text.encode()))], capture_output=True, timeout=120
    )
    assert done.returncode == 0 and b"<svg" in done.stdout


def test_dot_and_the_html_page_share_one_palette_by_family(actors) -> None:
    from mgraph.exporters._style import class_colour, family
    from mgraph.exporters.html import page_data

    data = page_data(actors)
    page = {c["name"]: c["color"] for c in data["classes"]}
    text = get("dot").export(actors).decode()
    for cls, colour in page.items():
        if cls.startswith("mg:"):
            assert f'label="{cls}", fillcolor="{colour}"' in text
    # a family's classes are shades of one hue, and two families differ
    assert family("mg:ConferenceOfTheParties") == "mg:Meeting" == family("mg:Meeting")
    assert class_colour("mg:Meeting") != class_colour("mg:Event")
    assert class_colour("mg:Webinar") != class_colour("mg:Event")


def test_gexf_and_cytoscape_carry_the_same_class_colours(actors, exported, tmp_path) -> None:
    from mgraph.exporters._style import class_colour

    back = nx.read_gexf(_write(tmp_path, "a.gexf", exported["gexf"]), version="1.3")
    document = json.loads(exported["cytoscape"])
    by_id = {n["data"]["id"]: n["data"]["color"] for n in document["elements"]["nodes"]}
    for iri, attrs in actors.nodes(data=True):
        colour = class_colour(attrs["class"])
        viz = back.nodes[iri]["viz"]["color"]
        assert "#{:02x}{:02x}{:02x}".format(viz["r"], viz["g"], viz["b"]) == colour
        assert by_id[iri] == colour


# --- the registry and the exporters' own options ---------------------------------------------------


def _page_title(content: bytes) -> str:
    import re

    match = re.search(rb"<title>(.*?)</title>", content, re.S)
    assert match is not None
    return match[1].decode()


def _page_positions(content: bytes) -> list:
    import re

    match = re.search(rb'<script id="mgraph-data" type="application/json">(.*?)</script>', content, re.S)
    assert match is not None
    return [(node["x"], node["y"]) for node in json.loads(match[1])["nodes"]]


def test_the_title_option_reaches_the_html_page() -> None:
    import mgraph

    default = mgraph.export("html", view="actors", graph=TINY)
    titled = mgraph.export("html", view="actors", graph=TINY, title="Who works with whom")
    assert _page_title(default) == "mgraph: actors view"
    assert _page_title(titled) == "Who works with whom"


def test_the_layout_option_reaches_the_html_page() -> None:
    import mgraph

    auto = mgraph.export("html", view="actors", graph=TINY)
    force = mgraph.export("html", view="actors", graph=TINY, layout="force")
    blocks = mgraph.export("html", view="actors", graph=TINY, layout="blocks")
    assert _page_positions(auto) == _page_positions(force)  # a small view: auto is force
    assert _page_positions(blocks) != _page_positions(force)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["-f", "html", "--layout", "circle"], "unknown html layout 'circle'", id="bad-layout"),
        pytest.param(
            ["-f", "graphml", "--title", "T"], "the graphml format has no option 'title'", id="no-option"
        ),
    ],
)
def test_a_bad_format_option_exits_2_and_writes_nothing(
    tmp_path: Path, capsys, args: list, message: str
) -> None:
    out = tmp_path / "out"
    assert main(["export", *args, "--graph", str(TINY), "-o", str(out)]) == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_format_options_on_the_command_line(tmp_path: Path) -> None:
    out = tmp_path / "page.html"
    args = [
        "export",
        "-f",
        "html",
        "--graph",
        str(TINY),
        "--title",
        "Tiny",
        "--layout",
        "blocks",
        "-o",
        str(out),
    ]
    assert main(args) == 0
    import mgraph

    assert out.read_bytes() == mgraph.export("html", view="actors", graph=TINY, title="Tiny", layout="blocks")


def test_the_api_refuses_an_option_the_format_does_not_read() -> None:
    import mgraph

    with pytest.raises(TypeError):  # not an html option, so a view option; build_view has none such
        mgraph.export("html", view="actors", graph=TINY, colour="red")
    with pytest.raises(InputError, match="unknown html layout"):
        mgraph.export("html", view="actors", graph=TINY, layout="circle")


class _Lines:
    """An exporter of one's own: one line per node, upper-cased when asked."""

    NAME = "lines"
    EXTENSION = "txt"
    MEDIA_TYPE = "text/plain"
    DESCRIPTION = "one line per node"
    OPTIONS: ClassVar = {"upper": Option("write node ids in capitals", ("yes", "no"))}

    def export(self, view, **options) -> bytes:
        text = "".join(f"{node}\n" for node in sorted(view.nodes))
        return (text.upper() if options.get("upper") == "yes" else text).encode()


@pytest.fixture
def registered():
    from mgraph import exporters

    exporter = register(_Lines())
    yield exporter
    exporters._REGISTERED.pop(exporter.NAME)


def test_a_registered_exporter_is_offered_everywhere(registered, tmp_path: Path) -> None:
    import mgraph

    assert "lines" in names() and get("lines") is registered
    out = tmp_path / "nodes.txt"
    assert main(["export", "-f", "lines", "--upper", "yes", "--graph", str(TINY), "-o", str(out)]) == 0
    assert out.read_text() == mgraph.export("lines", view="actors", graph=TINY, upper="yes").decode()
    assert out.read_text().isupper() and not mgraph.export("lines", graph=TINY).decode().isupper()


def test_an_unregistered_format_is_refused() -> None:
    assert "lines" not in names()
    with pytest.raises(InputError, match="unknown export format 'lines'"):
        get("lines")
    with pytest.raises(TypeError, match="needs EXTENSION"):
        register(type("Half", (), {"NAME": "half"})())  # type: ignore[arg-type]
