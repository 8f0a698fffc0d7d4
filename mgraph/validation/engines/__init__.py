"""The SHACL engines behind :func:`mgraph.validation.validate.validate`, and the
helpers they share.

- :mod:`mgraph.validation.engines.common`: type closure, term rendering, result locations and messages.
- :mod:`mgraph.validation.engines.native`: our own evaluator (Core in Python, SPARQL on pyoxigraph).
- :mod:`mgraph.validation.engines.pyshacl_engine`: pyshacl, the reference, with its SPARQL parsed once.

Each engine is a function ``run(data, shapes, mixin) -> list[ValidationResult]``; the heavy
libraries (pyshacl, pyoxigraph) are imported inside them, so importing mgraph stays cheap.
"""
