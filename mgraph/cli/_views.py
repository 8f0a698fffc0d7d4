"""The view options shared by ``export``, ``analyze`` and ``path`` (standard library only)."""

from __future__ import annotations

import argparse
from typing import Any

from mgraph.networks.view_names import VIEW_NAMES


def add_view_arguments(parser: argparse.ArgumentParser, default_view: str = "actors") -> None:
    group = parser.add_argument_group("view options")
    group.add_argument(
        "--view",
        default=default_view,
        metavar="NAME",
        help=f"{', '.join(VIEW_NAMES)} (default: {default_view})",
    )
    group.add_argument(
        "--classes",
        action="append",
        metavar="LIST",
        help="keep only entities of these classes (mg:Decision or 'Decision'; comma-separated or repeated)",
    )
    group.add_argument(
        "--relations",
        action="append",
        metavar="LIST",
        help="keep only these relations (schema:organizer, 'co-organiser'...)",
    )
    group.add_argument(
        "--exclude", action="append", metavar="LIST", help="drop these classes, relations or entities"
    )
    group.add_argument(
        "--focus",
        metavar="ENTITY",
        help="only the neighbourhood of this entity (id, code, name: 'COP-5', 'WHO')",
    )
    group.add_argument(
        "--depth",
        type=int,
        default=1,
        metavar="N",
        help="relations from --focus, either direction (default: 1)",
    )
    group.add_argument(
        "--since",
        metavar="DATE",
        help="drop what is dated wholly before this ISO date (undated entities and relations are kept)",
    )
    group.add_argument("--until", metavar="DATE", help="drop what is dated wholly after this date")
    group.add_argument(
        "--fold", action="store_true", help="fold events and projects into weighted actor-actor edges"
    )
    group.add_argument(
        "--with-sources",
        action="store_true",
        help="add the source documents and claims of the view's entities",
    )
    group.add_argument("--with-places", action="store_true", help="add the places they link to")
    group.add_argument(
        "--drop-isolates", action="store_true", help="leave out entities with no relation in the view"
    )
    group.add_argument(
        "--graph",
        metavar="PATH",
        help="an RDF file to view (default: dist/mercury.nt when built, else data/)",
    )


def view_options(args: argparse.Namespace) -> dict[str, Any]:
    """The keyword arguments of :func:`mgraph.networks.views.build_view` given on the command line."""
    return {
        "view": args.view,
        "graph": args.graph,
        "classes": args.classes,
        "relations": args.relations,
        "exclude": args.exclude,
        "focus": args.focus,
        "depth": args.depth,
        "since": args.since,
        "until": args.until,
        "fold": args.fold,
        "with_sources": args.with_sources,
        "with_places": args.with_places,
        "drop_isolates": args.drop_isolates,
    }


def warn_if_stale(args: argparse.Namespace) -> None:
    """The stale-release note of ``mgraph query`` when the project's graph is used."""
    if args.graph:  # a file of the user's: no release to be stale (and nothing of build to import)
        return
    from mgraph.cli._common import warn
    from mgraph.publish.build import stale_note

    note = stale_note()
    if note:
        warn(note)
