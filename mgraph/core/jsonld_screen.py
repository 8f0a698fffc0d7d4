"""The screen of a user's JSON-LD file: no remote or ``file:`` context, no ``@import``, no deep
nesting, valid JSON; run before pyoxigraph (which loads no context) parses it."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from mgraph.core.errors import InputError
from mgraph.core.nesting import find_offset, located_error, screen_nesting


def screen_jsonld(text: str, name: str, limit: int) -> None:
    """Refuse deep nesting, invalid JSON, and any context that would be loaded from elsewhere."""
    screen_nesting(text, name, limit, json_syntax=True)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as err:
        raise InputError(f"{name}:{err.lineno}:{err.colno}: invalid JSON: {err.msg}") from None
    except RecursionError:
        raise InputError(f"{name}: nested too deeply; not read") from None
    for key, value in _json_members(document):
        if key == "@import":
            raise located_error(
                name,
                text,
                find_offset(text, json.dumps(value, ensure_ascii=False)),
                f"JSON-LD @import of {value!r} is not loaded; put the context inline",
            )
        if key == "@context":
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str):
                    raise located_error(
                        name,
                        text,
                        find_offset(text, json.dumps(item, ensure_ascii=False)),
                        f"JSON-LD @context {item!r} refers to another document, which is not "
                        "loaded; put the context inline",
                    )


def _json_members(document: Any) -> Iterable[tuple[str, Any]]:
    """Every (key, value) of every object in a JSON document, walked without recursion."""
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                yield key, value
                stack.append(value)
        elif isinstance(node, list):
            stack.extend(node)
