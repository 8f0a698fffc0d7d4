"""What is checked in a query before and after it runs: the screen (unsafe queries refused, the
endpoint's rules) and the warnings about probable mistakes (a term not in the ontology, an
entity not in the graph, a plain string where the graph's values carry a language tag).
"""

from __future__ import annotations

import difflib
import re

from rdflib import Literal, URIRef

from mgraph.core import locations, sparql_text
from mgraph.core.errors import InputError
from mgraph.core.namespaces import MGID
from mgraph.core.schema import kinds as record_kinds
from mgraph.core.store import Answer, RemoteStore, Rows, Store
from mgraph.core.terms import compact_iri


def screen(
    text: str, *, store: Store | None = None, allow_service: bool = False, source: str = "query"
) -> None:
    """Refuse unsafe queries before any engine sees them, with the endpoint's screen
    (:func:`mgraph.core.sparql_screen.screen_query`): ``FROM`` may name a graph ``store`` holds. An undeclared
    prefix is named with the closest known one; syntax errors are the engine's, when it runs.
    """
    from mgraph.core.sparql_screen import screen_query

    check_prefixes(text, source)
    remote = isinstance(store, RemoteStore)
    graphs = store.graph_names() if store is not None and not remote else ()
    screen_query(text, graphs=graphs, allow_service=allow_service, source=source)


def check_prefixes(text: str, source: str = "query") -> None:
    """An InputError naming the first prefix a query uses without declaring it (ours need no
    declaration), with the closest known prefix."""
    from mgraph.core.namespaces import PREFIXES

    known = set(PREFIXES) | set(sparql_text.declared_prefixes(text))
    for prefix, local, offset in sparql_text.prefixed_names(text):
        if prefix in known:
            continue
        line, column = sparql_text.position(text, offset)
        close = difflib.get_close_matches(prefix, sorted(known), n=1)
        hint = f"; did you mean {close[0]}:?" if close else ""
        raise InputError(
            f"{source}:{line}:{column}: undeclared prefix '{prefix}:' in {prefix}:{local} "
            f"(declare it with PREFIX {prefix}: <...>){hint}"
        )


class QueryWarning(UserWarning):
    """A query that runs but probably not as meant: a term not in the ontology, an entity not in
    the graph, a plain string where the graph's values carry a language tag."""


def check_query(text: str, store: Store | None = None, answer: Answer | None = None) -> list[str]:
    """What in a query is probably a mistake, one message each (nothing is raised):

    - an ``mg:`` class or property that the ontology does not define, with the closest term;
    - a short name of an entity (``meeting:cop-55``) that the project's graph does not hold
      (checked when ``store`` is the project's graph), with the closest names;
    - when the answer is empty (no rows, or false) and ``store`` is local: a plain string
      compared with values that the graph holds only with a language tag
      (``rdfs:label "David Kapindula"`` against ``"David Kapindula"@en``).
    """
    messages = _unknown_terms(text)
    if store is not None and not isinstance(store, RemoteStore):
        from mgraph.core.graphs import is_project_store

        if is_project_store(store):
            messages += _unknown_entities(text)
        empty = answer is False or (isinstance(answer, Rows) and not answer)
        if empty:
            messages += _tagged_only(text, store)
    return messages


def _where(text: str, offset: int) -> str:
    line, column = sparql_text.position(text, offset)
    return f"line {line}, column {column}"


def _used_iris(text: str) -> list[tuple[str, str, int]]:
    """``(iri, as written, offset)`` of the prefixed names and IRIs a query uses."""
    from mgraph.core.namespaces import PREFIX_IRIS

    known = {**PREFIX_IRIS, **sparql_text.declared_prefixes(text)}
    out = []
    for prefix, local, offset in sparql_text.prefixed_names(text):
        if prefix in known:
            local_name = re.sub(r"\\(.)", r"\1", local)
            out.append((known[prefix] + local_name, f"{prefix}:{local}", offset))
    for kind, word, offset in sparql_text.tokens(text):
        if kind == "iri":
            out.append((word[1:-1], word, offset))
    return out


def _ontology_terms() -> frozenset[str]:
    global _TERMS
    if _TERMS is None:
        from mgraph.core.store import OxigraphStore

        ontology = OxigraphStore()
        ontology.load_trusted(locations.ONTOLOGY)
        _TERMS = frozenset(ontology.iris())
    return _TERMS


_TERMS: frozenset[str] | None = None


def _unknown_terms(text: str) -> list[str]:
    from mgraph.core.namespaces import MG

    ours = [(iri, written, at) for iri, written, at in _used_iris(text) if iri.startswith(str(MG))]
    if not ours:
        return []
    terms = _ontology_terms()
    local_names = sorted({t[len(str(MG)) :] for t in terms if t.startswith(str(MG))})
    messages = []
    for iri, written, offset in ours:
        if iri in terms or iri == str(MG):
            continue
        local = iri[len(str(MG)) :]
        close = [n for n in local_names if n.casefold() == local.casefold()]
        close = close or difflib.get_close_matches(local, local_names, n=1, cutoff=0.6)
        hint = f"; did you mean mg:{close[0]}?" if close else ""
        messages.append(f"{written} ({_where(text, offset)}) is not a term of the ontology{hint}")
    return messages


def _unknown_entities(text: str) -> list[str]:
    from mgraph.networks.search import project_names

    used = [(iri, w, at) for iri, w, at in _used_iris(text) if iri.startswith(str(MGID))]
    kinds = {k.name for k in record_kinds()}
    used = [u for u in used if u[0][len(str(MGID)) :].partition("/")[0] in kinds]
    if not used:
        return []
    names = project_names()
    messages = []
    for iri, written, offset in used:
        if iri in names.entities:
            continue
        close = names.closest(iri[len(str(MGID)) :].rpartition("/")[2], n=3)
        hint = f"; did you mean {', '.join(compact_iri(i) for i in close)}?" if close else ""
        messages.append(f"{written} ({_where(text, offset)}) is no entity of the graph{hint}")
    return messages


_TAGGED = (
    "SELECT ?tag WHERE { ?s ?p ?value . FILTER (isLiteral(?value) && STR(?value) = ?text) "
    "BIND (LANG(?value) AS ?tag) } ORDER BY ?tag LIMIT 2"
)
MAX_STRING_CHECKS = 5
"""Plain strings of one query checked against the graph (one quick query each)."""


def _tagged_only(text: str, store: Store) -> list[str]:
    """Plain strings after a predicate that the graph holds, for that predicate, only with a
    language tag (the predicate is bound, so each check reads one predicate's values)."""
    from mgraph.core.namespaces import PREFIX_IRIS

    known = {**PREFIX_IRIS, **sparql_text.declared_prefixes(text)}
    messages = []
    for written, value, offset in list(sparql_text.plain_strings(text))[:MAX_STRING_CHECKS]:
        prefix, _, local = written.partition(":")
        if written.startswith("<"):
            predicate = written[1:-1]
        elif prefix in known and "\\" not in local:
            predicate = known[prefix] + local
        else:
            continue
        rows = store.query(_TAGGED, {"p": URIRef(predicate), "text": Literal(value)})
        tags = [r["tag"] for r in rows] if isinstance(rows, Rows) else []
        if not tags or "" in tags:
            continue  # not in the graph at all, or there as written
        quoted = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
        messages.append(
            f"{written} {quoted} ({_where(text, offset)}) matches nothing: the graph holds this "
            f"value only with a language tag; write {quoted}@{tags[0]}, or compare with STR(...)"
        )
    return messages
