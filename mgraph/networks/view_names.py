"""The names of the network views, in the order they are offered (standard library only, so
that ``mgraph --help`` lists them without importing rdflib or networkx). Each name has its
:class:`~mgraph.networks.views.ViewSpec` in :data:`mgraph.networks.views.VIEWS`, which refuses to
import when one is missing or extra."""

from __future__ import annotations

VIEW_NAMES = ("actors", "decisions", "parties", "full", "convention", "partnership", "projects")
