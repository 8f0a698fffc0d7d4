"""The one helper that runs work under a time limit, where it can really be stopped.

Neither pyoxigraph nor rdflib can cancel a running query, and a thread that runs past its limit
keeps the CPU and its memory until the process ends. So the work runs in a forked child process
(it inherits the loaded graph for free, copy-on-write), and a child that runs past the limit is
killed. Whatever the child raises comes back as the same exception; a ``RecursionError`` (a
query too deeply nested for a recursive engine) and a child that dies (an engine crash) become
clear :class:`~mgraph.core.errors.InputError` messages, never a traceback.

Where ``fork`` is not available (not Linux or macOS), the work runs in this process with no
limit but the same error handling.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
from collections.abc import Callable
from typing import Any, TypeVar

from mgraph.core.errors import InputError, MgraphError

T = TypeVar("T")


def run_with_time_limit(
    work: Callable[[], T], seconds: float | None, *, what: str = "the work", hint: str = "try --timeout"
) -> T:
    """``work()``'s result, or an InputError when it takes longer than ``seconds`` (None, 0: no limit)."""
    if not seconds or seconds <= 0 or "fork" not in multiprocessing.get_all_start_methods():
        return _guarded(work, what)
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(work, what, sender), daemon=True, name="mgraph-time-limited")
    child.start()
    sender.close()
    try:
        if not receiver.poll(seconds):
            if child.is_alive():
                raise InputError(f"{what} took longer than {seconds:g} s (timed out) and was stopped; {hint}")
        try:
            status, payload = receiver.recv()
        except EOFError:
            child.join(5)
            code = child.exitcode
            cause = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
            raise InputError(f"{what} failed: the engine stopped unexpectedly ({cause})") from None
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join(5)
    if status == "ok":
        return payload  # type: ignore[no-any-return,unused-ignore]
    raise payload


def _guarded(work: Callable[[], T], what: str) -> T:
    try:
        return work()
    except RecursionError:
        raise InputError(
            f"{what} is nested too deeply for the engine; refused (simplify it, or use the oxigraph engine)"
        ) from None


def _child(work: Callable[[], Any], what: str, sender: Any) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    try:
        message: tuple[str, Any] = ("ok", _guarded(work, what))
    except MgraphError as exc:
        message = ("error", exc)
    except Exception as exc:  # an engine's own error, sent back as a clear message
        message = ("error", InputError(f"{what} failed: {type(exc).__name__}: {exc}"))
    try:
        sender.send(message)
    except (pickle.PicklingError, TypeError, AttributeError) as exc:
        sender.send(("error", InputError(f"{what} gave a result that cannot be returned: {exc}")))
    finally:
        sender.close()
        os._exit(0)  # no atexit handlers, no flushing of the parent's buffers twice
