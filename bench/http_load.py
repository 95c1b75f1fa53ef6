"""The HTTP figure: gunicorn (2 sync workers) serving Conductor, then a bare Flask app, each
loaded for a bounded time by a second process on 127.0.0.1 that PUTs ballots with bearer tokens.

`python -m bench.http_load load URL --seconds S --connections C --tokens FILE` is the load process:
C threads, each sending one request after another for S seconds, a token per request in turn;
it prints requests/s, median and p99 latency and the count of answers other than 200.
"""
from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from contextlib import contextmanager
from pathlib import Path

CHOICES = ("yes", "no", "abstain")
# The figure is measured against 2 plain sync workers (DESIGN.md's reference), not the repository's
# gunicorn.conf.py, which gunicorn would otherwise read from the working directory.
SYNC_CONFIG = Path(__file__).with_name("gunicorn_sync.conf.py")


def _percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, int(round(fraction * (len(sorted_values) - 1))))
    return sorted_values[index]


def load(url: str, seconds: float, connections: int, tokens: list[str]) -> dict:
    target = urllib.parse.urlsplit(url)
    counter = itertools.count()
    latencies: list[list[float]] = [[] for _ in range(connections)]
    failures = [0] * connections
    deadline = time.perf_counter() + seconds

    def worker(slot: int) -> None:
        while time.perf_counter() < deadline:
            n = next(counter)
            body = json.dumps({"choice": CHOICES[n % 3]})
            headers = {"Authorization": f"Bearer {tokens[n % len(tokens)]}", "Content-Type": "application/json"}
            start = time.perf_counter()
            connection = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
            try:
                connection.request("PUT", target.path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except OSError:
                ok = False
            finally:
                connection.close()
            latencies[slot].append(time.perf_counter() - start)
            if not ok:
                failures[slot] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(slot,)) for slot in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    every = sorted(latency for slot in latencies for latency in slot)
    return {"requests": len(every), "seconds": elapsed, "rate": len(every) / elapsed, "failures": sum(failures),
            "p50_ms": _percentile(every, 0.50) * 1000, "p99_ms": _percentile(every, 0.99) * 1000}


@contextmanager
def gunicorn(app_path: str, port: int, env: dict, log: Path):
    """gunicorn with 2 sync workers on 127.0.0.1:port, its output in `log`; stopped (and its
    workers) on exit."""
    with log.open("ab") as output:
        process = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "--config", str(SYNC_CONFIG), "--workers", "2",
             "--bind", f"127.0.0.1:{port}", "--log-level", "warning", app_path],
            env=env, start_new_session=True, stdout=output, stderr=output)
    try:
        _wait_for_port(port, process)
        yield process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _wait_for_port(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            connection.request("GET", "/health-of-the-bench")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
        finally:
            connection.close()
    raise RuntimeError(f"gunicorn did not listen on port {port} within {timeout} s")


def workers_peak_mb(master_pid: int) -> float:
    """The largest peak resident set (VmHWM) among a gunicorn master's worker processes."""
    peaks = []
    for child in Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split():
        for line in Path(f"/proc/{child}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(int(line.split()[1]) / 1024)
    return max(peaks, default=0.0)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    load_parser = sub.add_parser("load")
    load_parser.add_argument("url")
    load_parser.add_argument("--seconds", type=float, required=True)
    load_parser.add_argument("--connections", type=int, required=True)
    load_parser.add_argument("--tokens", type=Path, required=True)
    args = parser.parse_args(argv)
    tokens = json.loads(args.tokens.read_text())
    print(json.dumps(load(args.url, args.seconds, args.connections, tokens)))


if __name__ == "__main__":
    main()
