"""Starting and stopping a real ``mgraph serve`` for the tests (test_serve.py, test_serve_page.py).

The server runs as ``python -m mgraph serve ...`` in a subprocess, on 127.0.0.1 and a free port,
with its temporary folder (TMPDIR) and its log in the test's own folder; it is stopped with
SIGTERM afterwards.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from paths import ROOT
from servers import free_port  # the one free-port helper of the test servers


def curated_graph(folder: Path) -> Path:
    """The curated graph as N-Triples: the built dist/mercury.nt, else data/ loaded and written."""
    from mgraph.core.graphs import default_graph_file

    built = default_graph_file()
    if built is not None:
        return built
    import mgraph

    target = folder / "curated.nt"
    mgraph.load().graph.serialize(target, format="nt", encoding="utf-8")
    return target


@dataclass
class Served:
    process: subprocess.Popen
    url: str
    log: Path
    tmp: Path

    @property
    def sparql(self) -> str:
        return f"{self.url}/sparql"

    def stop(self, seconds: float = 20) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=seconds)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


def start(folder: Path, *args: str, seconds: float = 60) -> Served:
    """Start ``mgraph serve ARGS`` and wait until /ready answers 200."""
    port = free_port()
    tmp = folder / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    log = folder / "serve.log"
    env = {**os.environ, "TMPDIR": str(tmp), "PYTHONPATH": str(ROOT)}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "mgraph", "serve", "--port", str(port), *args],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=folder,
        )
    served = Served(process, f"http://127.0.0.1:{port}", log, tmp)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"mgraph serve exited with {process.returncode}: {log.read_text()}")
        try:
            with urllib.request.urlopen(f"{served.url}/ready", timeout=2) as response:
                if response.status == 200:
                    return served
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    served.stop()
    raise RuntimeError(f"mgraph serve did not get ready within {seconds} s: {log.read_text()}")
