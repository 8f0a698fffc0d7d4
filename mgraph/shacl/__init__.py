"""The SHACL engines behind :func:`mgraph.validation.validate`, and the helpers they share.

- :mod:`mgraph.shacl.common`: type closure, term rendering, result locations and messages.
- :mod:`mgraph.shacl.native`: our own evaluator (Core in Python, SPARQL on pyoxigraph).
- :mod:`mgraph.shacl.pyshacl_engine`: pyshacl, the reference, with its SPARQL parsed once.

Each engine is a function ``run(data, shapes, mixin) -> list[ValidationResult]``; the heavy
libraries (pyshacl, pyoxigraph) are imported inside them, so importing mgraph stays cheap.
"""
