"""The local SPARQL engines by name (standard library only, so the command line offers them
without importing one): pyoxigraph, the default, and rdflib's own evaluator."""

from __future__ import annotations

ENGINES = ("oxigraph", "rdflib")
DEFAULT_ENGINE = "oxigraph"
