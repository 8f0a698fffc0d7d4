"""The reader's language (issue 18): Accept-Language on ``mgraph serve``'s entity pages, ``--lang``
on ``mgraph search`` and ``mgraph export``; English when the data has no name in the language."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request

import pytest
from paths import FIXTURE
from serve_support import start

from mgraph.core.errors import InputError
from mgraph.networks.languages import check_language, negotiate


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        pytest.param(None, "en", id="none"),
        pytest.param("fr-CH, fr;q=0.9, en;q=0.8", "fr", id="french-first"),
        pytest.param("de, ru;q=0.5", "ru", id="unknown-then-russian"),
        pytest.param("de, it", "en", id="nothing-fits"),
        pytest.param("en;q=0.2, zh-CN;q=0.9", "zh", id="weights"),
        pytest.param("ar;q=0", "en", id="refused"),
    ],
)
def test_negotiate(header, expected):
    assert negotiate(header) == expected


def test_check_language():
    assert check_language("es-MX") == "es"
    with pytest.raises(InputError, match="six UN languages"):
        check_language("de")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    served = start(tmp_path_factory.mktemp("serve-lang"), str(FIXTURE), "--workers", "1")
    try:
        yield served
    finally:
        served.stop()


def _page(server, path: str, language: str | None) -> tuple[str, str]:
    headers = {"Accept": "text/html"}
    if language:
        headers["Accept-Language"] = language
    request = urllib.request.Request(server.url + path, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read().decode("utf-8"), response.headers["Content-Language"]


@pytest.mark.parametrize(
    ("language", "title", "content_language"),
    [
        pytest.param("fr-FR,fr;q=0.9", "Brésil", "fr", id="fr"),
        pytest.param("zh", "巴西", "zh", id="zh"),
        pytest.param("ar", "البرازيل", "ar", id="ar"),
        pytest.param("de", "Brazil", "en", id="fallback"),
        pytest.param(None, "Brazil", "en", id="default"),
    ],
)
def test_entity_page_in_the_readers_language(server, language, title, content_language):
    html, header = _page(server, "/id/country/bra", language)
    assert f'<h1 id="label">{title}</h1>' in html
    assert header == content_language


def test_class_page_in_the_readers_language(server):
    french, header = _page(server, "/class/State", "fr")
    english, _ = _page(server, "/class/State", None)
    assert ">Brésil</a>" in french and header == "fr"
    assert ">Brazil</a>" in english and "Brésil" not in english


def test_a_page_without_names_in_the_language_stays_english(server):
    html, _ = _page(server, "/id/meeting/cop-5", "ru")
    assert '<h1 id="label">' in html and "Бразилия" not in html


def _mgraph(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mgraph", *args], capture_output=True, text=True)


def test_search_in_french():
    done = _mgraph("search", "Brésil", "--lang", "fr", "--graph", str(FIXTURE), "--format", "json")
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found[0]["iri"] == "https://w3id.org/mgraph/id/country/bra"
    assert found[0]["label"] == "Brésil"


def test_search_bad_language_exits_2():
    done = _mgraph("search", "bra", "--lang", "xx", "--graph", str(FIXTURE))
    assert done.returncode == 2 and "six UN languages" in done.stderr


@pytest.mark.slow  # the whole graph page, twice
@pytest.mark.parametrize(
    ("language", "present", "absent"),
    [
        pytest.param("ru", '"label":"Бразилия"', '"label":"Brazil"', id="ru"),
        pytest.param("en", '"label":"Brazil"', '"label":"Бразилия"', id="en"),
    ],
)
def test_graph_page_in_a_language(tmp_path, language, present, absent):
    out = tmp_path / "graph.html"
    done = _mgraph(
        "export",
        "--format",
        "html",
        "--view",
        "parties",
        "--graph",
        str(FIXTURE),
        "--lang",
        language,
        "-o",
        str(out),
    )
    assert done.returncode == 0, done.stderr
    page = out.read_text(encoding="utf-8")
    assert present in page
    assert absent not in page
