"""Where the graph lives: one ``query`` over pyoxigraph, rdflib and a remote SPARQL endpoint.

Callers never branch on the engine: every store takes a query (any form) and parameter bindings
and returns the same kind of answer whichever engine answered: :class:`Rows` of plain Python
values for SELECT, a ``bool`` for ASK, and :class:`Triples` (pyoxigraph triples in N-Triples
order) for CONSTRUCT and DESCRIBE. Values are normalised in :mod:`mgraph.core.terms`, so the same query
gives equal answers everywhere.

Parameters are bound as data with each engine's own feature, never pasted into query text:
pyoxigraph's ``substitutions=``, rdflib's ``initBindings``. A remote endpoint, which knows no
other way, gets a ``VALUES`` block at the start of the query's WHERE group, built from terms that
are checked and escaped in :mod:`mgraph.core.terms`; so does pyoxigraph 0.5 for a variable that a
SELECT does not project (its substitutions refuse those). Our prefixes
(:data:`~mgraph.core.namespaces.PREFIXES`) are known to every query without being declared:
pyoxigraph's ``prefixes=``, rdflib's ``initNs``, and declarations put in front of the text for a
remote endpoint.
"""

from __future__ import annotations

import functools
import json
import re
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from rdflib import Graph

from mgraph.core import sparql_text
from mgraph.core.errors import InputError
from mgraph.core.formats import BY_NAME, RDF, WRITTEN, find
from mgraph.core.namespaces import PREFIX_IRIS, PREFIXES
from mgraph.core.query_engines import DEFAULT_ENGINE as DEFAULT_ENGINE  # re-exported
from mgraph.core.query_engines import ENGINES as ENGINES  # re-exported
from mgraph.core.sparql_screen import MAX_QUERY_DEPTH
from mgraph.core.terms import (
    VAR_RE,
    Term,
    json_value,
    oxigraph_quads,
    oxigraph_rows,
    rdflib_value,
    sparql_term,
    to_oxigraph,
    to_rdflib,
)
from mgraph.core.timelimit import run_with_time_limit

if TYPE_CHECKING:
    import pyoxigraph as ox

DEFAULT_REMOTE_TIMEOUT = 60.0  # seconds; a remote query always has a timeout


class Rows(list[dict[str, Any]]):
    """Result rows (dicts of plain values, one key per projected variable, in order)."""

    def __init__(self, columns: Iterable[str] = (), rows: Iterable[dict[str, Any]] = ()) -> None:
        super().__init__(rows)
        self.columns: list[str] = list(columns)


def values_block(names: list[str], rows: list[list[Term | None]]) -> str:
    """``VALUES (?a ?b) { (<x> "y") }``; None leaves a variable unbound (UNDEF)."""
    for name in names:
        if not VAR_RE.match(name):
            raise InputError(f"invalid variable name {name!r}")
    head = " ".join(f"?{n}" for n in names)
    body = " ".join(
        "(" + " ".join("UNDEF" if t is None else sparql_term(t) for t in row) + ")" for row in rows
    )
    return f"VALUES ({head}) {{ {body} }}"


def bind_values(query: str, bindings: Mapping[str, Term] | None) -> str:
    """The query with a VALUES block for ``bindings`` at the start of its WHERE group."""
    if not bindings:
        return query
    names = sorted(bindings)
    block = values_block(names, [[bindings[n] for n in names]])
    at = where_brace(query)
    return f"{query[: at + 1]} {block}\n{query[at + 1 :]}"


def strip_comments(query: str) -> str:
    """The query without its comments (a client may read words in them: SPARQLWrapper takes
    "mercury-added" for ADD)."""
    return sparql_text.strip_comments(query)


def query_form(query: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first such keyword outside strings and IRIs."""
    form = sparql_text.query_form(query)
    if form is None:
        raise InputError("not a SPARQL query: no SELECT, ASK, CONSTRUCT or DESCRIBE")
    return form


def where_brace(query: str) -> int:
    """Offset of the ``{`` that opens the query's WHERE group (after a CONSTRUCT template)."""
    query_form(query)
    at = sparql_text.where_brace(query)
    if at is None:
        raise InputError("the query has no WHERE group to bind parameters in")
    return at


# --- stores ----------------------------------------------------------------------------------


FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


class SparqlSyntaxError(Exception):
    """A query's syntax error: ``where`` is ``LINE:COL``, ``what`` one line on what was expected."""

    def __init__(self, where: str, what: str) -> None:
        super().__init__(where, what)
        self.where, self.what = where, what

    @classmethod
    def from_oxigraph(cls, exc: SyntaxError, query: str = "") -> SparqlSyntaxError:
        """pyoxigraph's message without the grammar's character ranges; an undeclared prefix
        is named (found in ``query`` at the error's position)."""
        text = " ".join(str(exc).split())
        match = re.match(r"error at (\d+):(\d+): (.*)$", text)
        if not match:
            return cls("1:1", text[:300])
        line, column, rest = match.groups()
        if "Prefix not found" in rest:
            known = set(PREFIX_IRIS) | set(sparql_text.declared_prefixes(query))
            unknown = [p for p, _, _ in sparql_text.prefixed_names(query) if p not in known]
            p = unknown[0] if unknown else "p"
            return cls(f"{line}:{column}", f"undeclared prefix '{p}:' (declare it with PREFIX {p}: <...>)")
        expected = re.sub(r"\[[^\]]*(\\u\{|\.\.=)[^\]]*\]", "", rest)  # character classes
        expected = re.sub(r"(,\s*)+", ", ", expected).strip(" ,")
        return cls(f"{line}:{column}", expected[:300] or "unexpected text")


def _located(error: SparqlSyntaxError, query: str) -> SparqlSyntaxError:
    """Oxigraph's error, or rdflib's where Oxigraph points past the mistake.

    Oxigraph's parser reports the furthest point it reached, which for ``FILTER(?o = )`` is the
    end of the query; rdflib's parser stops at the mistake. Asked only on the error path.
    """
    line, _, column = error.where.partition(":")
    offset = sum(len(text) + 1 for text in query.split("\n")[: int(line) - 1]) + int(column) - 1
    if query[offset:].strip():
        return error  # a point inside the text: the engine's word stands
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        _deep_call(lambda: parseQuery(query), frames=_PARSE_FRAMES)
    except ParseException as exc:
        message = re.sub(r"\s*\(at char \d+\),?\s*\(line:\d+, col:\d+\)\s*$", "", " ".join(str(exc).split()))
        return SparqlSyntaxError(f"{exc.lineno}:{exc.col}", message)
    except Exception:  # rdflib could not say better: keep the engine's error
        return error
    return error


def _where(query: str, needle: str) -> str:
    """``LINE:COL`` (1-based) of the first occurrence of ``needle``, else 1:1."""
    at = query.find(needle)
    if at < 0:
        return "1:1"
    line = query.count("\n", 0, at) + 1
    return f"{line}:{at - (query.rfind(chr(10), 0, at) + 1) + 1}"


class Triples(list[Any]):
    """The triples a CONSTRUCT or DESCRIBE query made: pyoxigraph triples, in N-Triples order."""


Answer = Rows | bool | Triples


def sorted_triples(triples: Iterable[Any]) -> Triples:
    """pyoxigraph triples in one order (by their N-Triples text), without duplicates."""
    unique = {(str(t.subject), str(t.predicate), str(t.object)): t for t in triples}
    return Triples(unique[key] for key in sorted(unique))


class Store:
    """A graph that answers queries; subclasses hold the engine."""

    engine = ""

    def __bool__(self) -> bool:
        return True  # a store is never "empty" in a test; counting a big one is slow

    def query(
        self,
        query: str,
        bindings: Mapping[str, Term] | None = None,
        *,
        timeout: float | None = None,
        source: str = "query",
        what: str = "",
    ) -> Answer:
        """Run any query form with parameters bound (see the module's docstring for answers).

        ``source`` names the query in error messages (``FILE:LINE:COL: ...``), ``what`` in the
        message of a time-out. A syntax error is the engine's, located; where a group, bracket
        or string is left open, it says which and where it opened.
        """
        for term in (bindings or {}).values():
            sparql_term(term)  # the same checks for every engine
        bound = dict(bindings or {})
        if isinstance(self, RemoteStore):
            return self._query(query, bound, timeout)

        def work() -> Answer:
            try:
                return self._query(query, bound, timeout)
            except SparqlSyntaxError as exc:
                found = sparql_text.unbalanced(query)
                if found is not None:
                    line, column = sparql_text.position(query, found[0])
                    raise InputError(f"{source}:{line}:{column}: SPARQL syntax error: {found[1]}") from None
                raise InputError(f"{source}:{exc.where}: SPARQL syntax error: {exc.what}") from None

        return run_with_time_limit(work, timeout, what=what or f"the query on {self.engine}")

    def graph_names(self) -> list[str]:
        """The IRIs of the named graphs this store holds (``FROM`` may name them)."""
        return []

    def select(
        self, query: str, bindings: Mapping[str, Term] | None = None, *, timeout: float | None = None
    ) -> Rows:
        """Run a SELECT query with parameters bound; rows hold plain Python values."""
        form = query_form(query)
        if form != "SELECT":
            raise InputError(f"only SELECT queries give rows; this query is a {form}")
        answer = self.query(query, bindings, timeout=timeout)
        assert isinstance(answer, Rows)
        return answer

    def _query(
        self, query: str, bindings: dict[str, Term], timeout: float | None
    ) -> Answer:  # pragma: no cover
        raise NotImplementedError

    def describe(self) -> str:
        return self.engine


class OxigraphStore(Store):
    """An embedded pyoxigraph store: the default, fastest local engine.

    Besides queries it hands out what callers would otherwise reach into pyoxigraph for: adding
    rdflib triples or a whole Graph (:meth:`add`, :meth:`add_graph`), its quads by pattern
    (:meth:`quads`), the solutions of a query as rdflib terms (:meth:`solutions`), and the data
    back as an rdflib Graph (:meth:`to_graph`). ``store`` is the pyoxigraph Store itself, for
    the few modules allowed to use it (``tests/test_architecture.py``).
    """

    engine = "oxigraph"

    def __init__(self, store: ox.Store | None = None) -> None:
        if store is None:
            import pyoxigraph as ox

            store = ox.Store()
        self.store = store

    def __len__(self) -> int:
        return len(self.store)

    def graph_names(self) -> list[str]:
        return sorted(g.value for g in self.store.named_graphs() if hasattr(g, "value"))

    def __iter__(self) -> Iterator[Any]:
        """The quads of every graph (pyoxigraph quads: ``.subject``, ``.predicate``, ``.object``)."""
        return iter(self.store)

    def add(self, triples: Iterable[tuple[Any, Any, Any]]) -> None:
        """Add rdflib triples to the default graph (converted by :func:`~mgraph.core.terms.to_oxigraph`)."""
        self.store.bulk_extend(oxigraph_quads(triples))

    def add_graph(self, graph: Graph) -> None:
        """Add every triple of an rdflib Graph to the default graph."""
        self.add(graph)

    def bulk_extend(self, quads: Iterable[Any]) -> None:
        """Add pyoxigraph quads as they are (what :func:`mgraph.core.user_files.parse_user_file` gives)."""
        self.store.bulk_extend(quads)

    def load_user_file(
        self, path: str | Path, *, format: str | None = None, data: bytes | None = None
    ) -> None:
        """Add a user's RDF file, read through :func:`mgraph.core.user_files.parse_user_file` straight
        into the store (no rdflib graph): the same checks and blank node labels."""
        from mgraph.core.user_files import parse_user_file

        parse_user_file(path, format=format, data=data, store=self.store)

    def add_triples(self, triples: Iterable[Any]) -> None:
        """Add pyoxigraph triples (or quads: their graph is dropped) to the default graph."""
        import pyoxigraph as ox

        quad = ox.Quad
        self.store.bulk_extend(quad(t.subject, t.predicate, t.object) for t in triples)

    def load_trusted(
        self, path: str | Path | None = None, *, data: bytes | None = None, graph: str | None = None
    ) -> None:
        """Bulk-load our own file (the release's N-Triples, the ontology's Turtle), read by
        pyoxigraph directly; the format comes from the extension. ``data``: N-Triples bytes
        instead of a file."""
        import pyoxigraph as ox

        target = ox.NamedNode(graph) if graph else ox.DefaultGraph()
        suffix = Path(path).suffix.lstrip(".").lower() if path is not None else ""
        fmt = ox.RdfFormat.from_extension(suffix or "nt") or ox.RdfFormat.N_TRIPLES
        source: dict[str, Any] = {"path": str(path)} if data is None else {"input": data}
        try:
            self.store.bulk_load(**source, format=fmt, to_graph=target)
        except (SyntaxError, ValueError, OSError) as exc:
            raise InputError(f"{path}: cannot read the graph: {exc}") from exc

    def quads(self, subject: Any = None, predicate: Any = None, obj: Any = None) -> Iterator[Any]:
        """The quads matching a pattern of rdflib terms (None: any), as pyoxigraph quads."""
        pattern = (None if t is None else to_oxigraph(t) for t in (subject, predicate, obj))
        return iter(self.store.quads_for_pattern(*pattern))

    def solutions(self, query: str, bindings: Mapping[str, Any] | None = None) -> Iterator[dict[str, Any]]:
        """The rows of a SELECT query, each bound variable as an rdflib term.

        ``bindings`` (rdflib terms) are pre-bound with pyoxigraph's ``substitutions=``; a syntax
        error is pyoxigraph's ``SyntaxError``.
        """
        import pyoxigraph as ox

        substitutions = {ox.Variable(name): to_oxigraph(term) for name, term in (bindings or {}).items()}
        solutions = self.store.query(query, substitutions=substitutions)  # run now: errors here

        def rows() -> Iterator[dict[str, Any]]:
            if not isinstance(solutions, ox.QuerySolutions):
                raise TypeError("only SELECT queries give solutions")
            names = [v.value for v in solutions.variables]
            for solution in solutions:
                row = {}
                for name in names:
                    term = solution[name]
                    if term is not None:
                        row[name] = to_rdflib(term)
                yield row

        return rows()

    def results(
        self, query: str, bindings: Mapping[str, Term] | None = None, *, format: str = "json"
    ) -> bytes:
        """The answer of a SELECT or ASK query as pyoxigraph writes it in a result format of
        :mod:`mgraph.core.formats` (``json``, ``xml``, ``csv``, ``tsv``), what the server's
        worker sends. ``bindings`` (rdflib terms) are pre-bound with ``substitutions=``."""
        import pyoxigraph as ox

        substitutions = {ox.Variable(name): to_oxigraph(term) for name, term in (bindings or {}).items()}
        answer = self.store.query(query, substitutions=substitutions)
        if not isinstance(answer, ox.QuerySolutions | ox.QueryBoolean):
            raise TypeError("only SELECT and ASK queries give results")
        return bytes(answer.serialize(format=BY_NAME[format].pyoxigraph()) or b"")

    def lexical_rows(self, query: str) -> list[dict[str, str]]:
        """The rows of a SELECT query, each bound variable as its IRI, lexical form or blank
        node label (pyoxigraph's ``.value``)."""
        import pyoxigraph as ox

        solutions = self.store.query(query)
        if not isinstance(solutions, ox.QuerySolutions):
            raise TypeError("only SELECT queries give rows")
        names = [v.value for v in solutions.variables]
        return [{n: solution[n].value for n in names if solution[n] is not None} for solution in solutions]

    def iris(self) -> set[str]:
        """Every IRI the store holds, as subject, predicate or object."""
        import pyoxigraph as ox

        named = ox.NamedNode
        return {
            t.value for q in self.store for t in (q.subject, q.predicate, q.object) if isinstance(t, named)
        }

    def to_graph(self) -> Graph:
        """Every triple (named graphs merged) as a new rdflib Graph."""
        graph = Graph()
        graph.addN(
            (to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object), graph) for q in self.store
        )
        return graph

    def _query(self, query: str, bindings: dict[str, Term], timeout: float | None) -> Answer:
        import pyoxigraph as ox

        substitutions = {ox.Variable(name): to_oxigraph(term) for name, term in bindings.items()}
        try:
            try:
                result = self.store.query(query, substitutions=substitutions, prefixes=PREFIX_IRIS)
            except RuntimeError as exc:
                # pyoxigraph 0.5 substitutes only variables a SELECT projects (ASK, CONSTRUCT,
                # DESCRIBE and SELECT * take any): bind the others with a VALUES block.
                if "SELECT projection" not in str(exc):
                    raise InputError(f"the query failed on oxigraph: {exc}") from exc
                result = self.store.query(bind_values(query, bindings), prefixes=PREFIX_IRIS)
        except SyntaxError as exc:
            raise _located(SparqlSyntaxError.from_oxigraph(exc, query), query) from None
        if isinstance(result, ox.QueryBoolean):
            return bool(result)
        if isinstance(result, ox.QueryTriples):
            return sorted_triples(result)
        columns = [v.value for v in result.variables]
        return Rows(columns, oxigraph_rows(result, columns))


class RdflibStore(Store):
    """rdflib's own SPARQL evaluator over an in-memory Graph: slow, but pure Python."""

    engine = "rdflib"

    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def __len__(self) -> int:
        return len(self.graph)

    def _query(self, query: str, bindings: dict[str, Term], timeout: float | None) -> Answer:
        from pyparsing import ParseException

        try:
            result = self.graph.query(_prepared(query), initBindings=bindings)
        except ParseException as exc:
            raise SparqlSyntaxError(f"{exc.lineno}:{exc.col}", exc.msg) from None
        except RecursionError:
            raise InputError(
                "the query nests too deeply for the rdflib engine; run it on oxigraph (the default)"
            ) from None
        except Exception as exc:  # rdflib raises a bare Exception for an unknown prefix
            if "Unknown namespace prefix" in str(exc):
                prefix = str(exc).rsplit(":", 1)[-1].strip()
                raise SparqlSyntaxError(
                    _where(query, f"{prefix}:"),
                    f"undeclared prefix '{prefix}:' (declare it with PREFIX {prefix}: <...>)",
                ) from None
            raise InputError(f"the query failed on rdflib: {type(exc).__name__}: {exc}") from None
        if result.type == "ASK":
            return bool(result.askAnswer)
        if result.type in ("CONSTRUCT", "DESCRIBE"):
            return sorted_triples(_oxigraph_triple(triple) for triple in result)
        columns = [str(v) for v in result.vars or []]
        return Rows(
            columns,
            [
                {c: rdflib_value(row[i]) for i, c in enumerate(columns)}  # type: ignore[index]
                for row in result
            ],
        )


def _oxigraph_triple(triple: Any) -> Any:
    import pyoxigraph as ox

    return ox.Triple(*(to_oxigraph(term) for term in triple))


@functools.lru_cache(maxsize=128)
def _prepared(query: str) -> Any:
    """rdflib's parsed and translated query, kept: parsing takes longer than most evaluations.

    rdflib's pyparsing grammar takes about 60 Python frames per nesting level, so the default
    recursion limit fails near 25 levels: the query is parsed in a thread with a large stack
    and a limit raised for its depth (bounded by the screen, :mod:`mgraph.core.sparql_screen`).
    """
    from rdflib.plugins.sparql import prepareQuery

    # rdflib keeps the backslash of mgid:meeting\/cop-3 in the IRI; written out, the name means
    # what SPARQL (and Oxigraph) say it does
    text = sparql_text.expand_escaped_names(query, PREFIX_IRIS)
    return _deep_call(lambda: prepareQuery(text, initNs=dict(PREFIXES)), frames=_PARSE_FRAMES)


_PARSE_LOCK = threading.Lock()
_PARSE_STACK_BYTES = 64 * 1024 * 1024  # 1000 levels parse in 8 MiB; room to spare
_FRAMES_PER_LEVEL = 60  # pyparsing's frames per bracket level in rdflib's grammar, generously
_PARSE_FRAMES = _FRAMES_PER_LEVEL * (MAX_QUERY_DEPTH + 2) + 1000  # for the deepest query screened
T = TypeVar("T")


def _deep_call(function: Callable[[], T], *, frames: int) -> T:
    """``function()`` in a thread with a large stack and a recursion limit of ``frames``."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = function()
        except BaseException as err:  # re-raised in the caller's thread
            outcome["error"] = err

    if frames <= sys.getrecursionlimit():
        return function()
    with _PARSE_LOCK:
        old_limit, old_stack = sys.getrecursionlimit(), threading.stack_size()
        sys.setrecursionlimit(frames)
        try:
            try:
                threading.stack_size(_PARSE_STACK_BYTES)
                worker = threading.Thread(target=run, name="mgraph-sparql-parse")
                worker.start()
            finally:
                threading.stack_size(old_stack)
            worker.join()
        except RuntimeError:  # no thread with that stack here: parse in this one
            run()
        finally:
            sys.setrecursionlimit(old_limit)
    if "error" in outcome:
        raise outcome["error"]
    value: T = outcome["value"]
    return value


def prefix_declarations() -> str:
    """``PREFIX p: <ns>`` lines for our prefixes, for an endpoint that cannot be told otherwise."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(PREFIX_IRIS.items()))


class RemoteStore(Store):
    """A SPARQL 1.1 endpoint over HTTP, asked through httpx (the client ``mgraph push`` uses too)
    with the SPARQL Protocol (POST), always with a timeout.

    The query and its bound values go as one form field; SELECT and ASK ask for SPARQL JSON,
    CONSTRUCT and DESCRIBE for any RDF format of :mod:`mgraph.core.formats` pyoxigraph reads. To
    ask through a SPARQLWrapper client of your own (its credentials, headers, method), use
    :class:`SPARQLWrapperStore`.
    """

    engine = "remote"

    def __init__(self, endpoint: str, timeout: float | None = None) -> None:
        if not re.match(r"^https?://[^\s]+$", endpoint):
            raise InputError(f"endpoint {endpoint!r} is not an http(s) URL")
        self.endpoint = endpoint
        self.timeout = timeout or DEFAULT_REMOTE_TIMEOUT

    def describe(self) -> str:
        return f"remote {self.endpoint}"

    def _query(self, query: str, bindings: dict[str, Term], timeout: float | None) -> Answer:
        form = query_form(query)
        seconds = timeout or self.timeout
        text = prefix_declarations() + strip_comments(bind_values(query, bindings))
        graph = form in ("CONSTRUCT", "DESCRIBE")
        try:
            body, media = self._send(text, graph, seconds)
        except InputError:
            raise
        except Exception as exc:  # every failure of the remote side becomes one clear message
            raise InputError(remote_error_message(self.endpoint, exc, seconds)) from exc
        if graph:
            return self._triples(body, media)
        try:
            data = json.loads(body)
        except ValueError:
            data = None
        if form == "ASK":
            if not isinstance(data, dict) or not isinstance(data.get("boolean"), bool):
                raise InputError(f"{self.endpoint} did not answer ASK with a SPARQL JSON boolean")
            return bool(data["boolean"])
        if not isinstance(data, dict) or "results" not in data:
            raise InputError(f"{self.endpoint} did not answer with SPARQL JSON results")
        columns = list(data.get("head", {}).get("vars", []))
        return Rows(
            columns, [{c: json_value(b.get(c)) for c in columns} for b in data["results"].get("bindings", [])]
        )

    def _send(self, text: str, graph: bool, seconds: float) -> tuple[bytes, str]:
        """Post the query; the answer's bytes and media type (an HTTP error status raises)."""
        accept = _GRAPH_ACCEPT if graph else BY_NAME["json"].media_types[0]
        response = self._client().post(
            self.endpoint, data={"query": text}, headers={"Accept": accept}, timeout=seconds
        )
        response.raise_for_status()
        return response.content, response.headers.get("Content-Type") or ""

    def _client(self) -> Any:
        """One httpx client per store, made on first use: its connections are kept open between
        queries (a client costs tens of milliseconds to make, most of it the TLS context)."""
        client = self.__dict__.get("_http")
        if client is None:
            import httpx

            from mgraph import __version__

            client = self._http = httpx.Client(headers={"User-Agent": f"mgraph/{__version__}"})
        return client

    def _triples(self, body: bytes, media: str) -> Triples:
        import pyoxigraph as ox

        known = find(media.split(";")[0], RDF)
        fmt = known.pyoxigraph() if known is not None else ox.RdfFormat.TURTLE
        try:
            return sorted_triples(q.triple for q in ox.parse(body, format=fmt))
        except SyntaxError as exc:
            raise InputError(f"{self.endpoint}: the answer is not readable {fmt.name}: {exc}") from exc


_GRAPH_ACCEPT = ", ".join(BY_NAME[name].media_types[0] for name in (*WRITTEN, "rdfxml"))
"""The RDF formats a remote CONSTRUCT or DESCRIBE may answer in (the ones we write first)."""


class SPARQLWrapperStore(RemoteStore):
    """A SPARQL endpoint asked through a SPARQLWrapper client you give, configured as you need
    (credentials, custom headers, GET or POST): the adapter for what httpx's plain POST of
    :class:`RemoteStore` does not cover. The query, the return format and the timeout are set here.

    >>> import mgraph
    >>> from SPARQLWrapper import SPARQLWrapper
    >>> client = SPARQLWrapper("https://example.org/sparql")
    >>> client.setCredentials("me", "secret")
    >>> store = SPARQLWrapperStore(client)
    >>> rows = mgraph.query("topics", store=store)  # doctest: +SKIP
    """

    def __init__(self, client: Any, timeout: float | None = None) -> None:
        super().__init__(str(client.endpoint), timeout)
        self.client = client

    def describe(self) -> str:
        return f"remote {self.endpoint} (SPARQLWrapper)"

    def _send(self, text: str, graph: bool, seconds: float) -> tuple[bytes, str]:
        from SPARQLWrapper import JSON, N3

        self.client.setQuery(text)
        self.client.setReturnFormat(N3 if graph else JSON)  # N3: Turtle or N-Triples, as it comes
        self.client.setTimeout(max(1, round(seconds)))
        response = self.client.query().response
        return response.read(), response.headers.get("Content-Type") or ""


def remote_error_message(endpoint: str, exc: BaseException, timeout: float) -> str:
    """What went wrong with a remote endpoint, in one line a researcher can act on."""
    import socket
    import urllib.error

    import httpx

    reason = getattr(exc, "reason", None)
    timeouts = (TimeoutError, socket.timeout, httpx.TimeoutException)
    if isinstance(exc, timeouts) or isinstance(reason, timeouts):
        return f"{endpoint}: no answer within {timeout:g} s (timed out); try --timeout"
    if isinstance(exc, httpx.HTTPStatusError):
        response = exc.response
        body = _clean_body(response.text)
        head = f"{endpoint}: HTTP {response.status_code} {response.reason_phrase}"
        return head + (f": {body}" if body else "")
    if isinstance(exc, httpx.TransportError):
        return f"{endpoint}: cannot reach the endpoint ({exc})"
    wrapper = sys.modules.get("SPARQLWrapper.SPARQLExceptions")  # only with SPARQLWrapperStore
    if wrapper is not None and isinstance(exc, wrapper.SPARQLWrapperException):
        cause = exc.__cause__ or exc.__context__
        status = getattr(cause, "code", None)
        body = str(exc).split("Response:", 1)[-1].strip() if "Response:" in str(exc) else ""
        body = _clean_body(body)
        head = f"HTTP {status}" if status else type(exc).__name__
        return f"{endpoint}: {head}: {body or exc.msg}"
    if isinstance(exc, urllib.error.HTTPError):
        try:
            body = _clean_body(exc.read().decode("utf-8", "replace"))
        except Exception:  # the body is a courtesy; the status is the message
            body = ""
        return f"{endpoint}: HTTP {exc.code} {exc.reason}" + (f": {body}" if body else "")
    if isinstance(exc, urllib.error.URLError):
        return f"{endpoint}: cannot reach the endpoint ({exc.reason})"
    if isinstance(exc, (ConnectionError, OSError)):
        return f"{endpoint}: cannot reach the endpoint ({exc})"
    return f"{endpoint}: the endpoint's answer could not be read ({type(exc).__name__}: {exc})"


def _clean_body(body: str) -> str:
    if body.startswith(("b'", 'b"')) and body.endswith(("'", '"')):
        try:
            import ast

            body = ast.literal_eval(body).decode("utf-8", "replace")
        except (ValueError, SyntaxError):
            pass
    return " ".join(body.split())[:500]


# --- opening graphs ---------------------------------------------------------------------------


def from_graph(graph: Graph, engine: str = DEFAULT_ENGINE) -> Store:
    """A store over an rdflib Graph (copied into pyoxigraph for the oxigraph engine)."""
    check_engine(engine)
    if engine == "rdflib":
        return RdflibStore(graph)
    store = OxigraphStore()
    store.add_graph(graph)
    return store


def from_file(path: str | Path, engine: str = DEFAULT_ENGINE, *, trusted: bool = False) -> Store:
    """A store over an RDF file; named graphs of N-Quads or TriG files merge into the default.

    A user's file goes through :func:`mgraph.core.user_files.parse_user_file` (local only, no remote
    contexts, no entity bombs); our own release file (``trusted``) is read by pyoxigraph directly,
    which is several times faster.
    """
    check_engine(engine)
    file = Path(path)
    if not file.is_file():
        raise InputError(f"{file}: no such graph file (run `mgraph build`, or give --graph)")
    if not trusted:
        from mgraph.core.user_files import parse_user_file

        return from_graph(parse_user_file(file), engine)
    import pyoxigraph as ox

    known = find(file.suffix.lower() or ".nt", RDF)
    if known is None:
        raise InputError(f"{file}: unknown RDF format")
    try:
        quads = list(ox.parse(path=str(file), format=known.pyoxigraph()))
    except (SyntaxError, ValueError, OSError) as exc:
        raise InputError(f"{file}: cannot read the graph: {exc}") from exc
    if engine == "oxigraph":
        store = ox.Store()
        store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object) for q in quads)
        return OxigraphStore(store)
    graph = Graph()
    for q in quads:
        graph.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    return RdflibStore(graph)


def check_engine(engine: str) -> None:
    if engine not in ENGINES:
        raise InputError(f"unknown engine {engine!r}; choose one of: {', '.join(ENGINES)}")
