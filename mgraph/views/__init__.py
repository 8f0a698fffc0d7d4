"""Network views of the graph for graph tools and analytics (networkx ``MultiDiGraph``).

>>> from mgraph.views import build_view
>>> view = build_view("actors", focus="Burkina Faso", depth=1)   # doctest: +SKIP

See :mod:`mgraph.views.builder` for the views, their options and the attributes of nodes and edges.
"""

from __future__ import annotations

from mgraph.views.builder import FOLD_KEY, VIEWS, ViewSpec, build_view, date_bounds, view_triples

__all__ = ["FOLD_KEY", "VIEWS", "ViewSpec", "build_view", "date_bounds", "view_triples"]
