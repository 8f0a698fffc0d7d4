"""Check a plain result against the TypedDict that types it: the same keys, in the declared
order, with values of the declared types (nested TypedDicts, lists and dicts followed).

mypy checks the code that builds a result; this checks the result itself (counts read from a
SPARQL row, dicts built in a loop), so a key renamed on one side only fails a test.
"""

from __future__ import annotations

import types
import typing
from typing import Any, NotRequired, Required, Union, get_args, get_origin, is_typeddict


def shape_errors(value: Any, hint: Any, where: str = "result") -> list[str]:
    """Every way ``value`` differs from the type ``hint`` (empty when it fits)."""
    origin, args = get_origin(hint), get_args(hint)
    if origin in (NotRequired, Required):
        return shape_errors(value, args[0], where)
    if hint is Any:
        return []
    if origin in (Union, types.UnionType):
        if any(not shape_errors(value, option, where) for option in args):
            return []
        return [f"{where}: {value!r} is none of {hint}"]
    if is_typeddict(hint):
        return _typed_dict_errors(value, hint, where)
    if origin is list:
        if not isinstance(value, list):
            return [f"{where}: {type(value).__name__}, not a list"]
        return [e for i, item in enumerate(value) for e in shape_errors(item, args[0], f"{where}[{i}]")]
    if origin is dict:
        if not isinstance(value, dict):
            return [f"{where}: {type(value).__name__}, not a dict"]
        return [
            e
            for key, item in value.items()
            for e in shape_errors(key, args[0], f"{where} key {key!r}")
            + shape_errors(item, args[1], f"{where}[{key!r}]")
        ]
    if hint is None or hint is type(None):
        return [] if value is None else [f"{where}: {value!r}, not None"]
    if hint is float:  # a float annotation accepts an int, as in Python's typing
        hint = (int, float)
    if isinstance(value, bool) and hint is not bool:
        return [f"{where}: {value!r} is a bool"]
    return [] if isinstance(value, hint) else [f"{where}: {value!r} is not {hint}"]


def _typed_dict_errors(value: Any, hint: Any, where: str) -> list[str]:
    if not isinstance(value, dict):
        return [f"{where}: {type(value).__name__}, not a dict"]
    fields = typing.get_type_hints(hint, include_extras=True)
    declared = [key for key in fields if key in value]
    # NotRequired read from the hints: under postponed annotations Python 3.11's TypedDict
    # counts every key as required in __required_keys__.
    required = [
        key
        for key, field in fields.items()
        if get_origin(field) is not NotRequired and (hint.__total__ or get_origin(field) is Required)
    ]
    errors = [f"{where}: no key {key!r}" for key in required if key not in value]
    errors += [f"{where}: undeclared key {key!r}" for key in value if key not in fields]
    if [key for key in value if key in fields] != declared:
        errors.append(f"{where}: keys in the order {list(value)}, declared {list(fields)}")
    for key in declared:
        errors += shape_errors(value[key], fields[key], f"{where}[{key!r}]")
    return errors
