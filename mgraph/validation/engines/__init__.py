"""The SHACL engines behind :func:`mgraph.validation.validate.validate`, and the
helpers they share.

- :mod:`mgraph.validation.engines.common`: type closure, term rendering, result locations and messages.
- :mod:`mgraph.validation.engines.native`: our own evaluator (Core in Python, SPARQL on pyoxigraph).
- :mod:`mgraph.validation.engines.pyshacl_engine`: pyshacl, the reference, with its SPARQL parsed once.
- :mod:`mgraph.validation.engines.registry`: the engines by name, and ``auto`` (the one fallback).

Each engine module declares an ``ENGINE`` (:class:`~mgraph.validation.engines.common.Engine`): its
name and a runner ``run(data, shapes, mixin) -> list[ValidationResult]`` per representation of
the data it takes (an rdflib Graph, or a store); the heavy libraries (pyshacl, pyoxigraph) are
imported inside them, so importing mgraph stays cheap.
"""
