"""Serving Conductor with gunicorn (gunicorn.conf.py at the repository's root reads this).

* Threads, not one request per process: gunicorn's `gthread` workers hand each connection to a
  thread of a pool, so a client that sends its request slowly holds one thread, not the worker.
* A time limit on every read and write of a client's socket (`GOVERN_CLIENT_TIMEOUT`, 10 s):
  gunicorn's threads wait for a request's first byte without blocking, but once a request has
  started, a client that stops sending (a `Content-Length: 100000` and one byte, or headers
  trickling in) would hold its thread for as long as it liked. `ThreadWorker` makes such a read
  give up: the connection is closed (a body read that gives up answers 400, as a client that went away).
* Several workers must share the login throttle: with the `memory://` storage each worker
  counts failures on its own, and N workers allow N times the limit. `refuse_unshared_throttle`
  stops gunicorn from starting in that case (use Redis: GOVERN_RATELIMIT_STORAGE_URL=redis://…).

In production, put a reverse proxy in front (README, "Serving"): it buffers whole requests before
they reach gunicorn, so even many slow clients cost it nothing.
"""
from __future__ import annotations

import logging
import os
import socket

from gunicorn.workers.gthread import ThreadWorker as GunicornThreadWorker

DEFAULT_CLIENT_TIMEOUT = 10.0


def client_timeout() -> float:
    return float(os.environ.get("GOVERN_CLIENT_TIMEOUT", DEFAULT_CLIENT_TIMEOUT))


def rate_limit_storage() -> str:
    """The login throttle's storage, as the app reads it (govern/config.py)."""
    return os.environ.get("GOVERN_RATELIMIT_STORAGE_URL", "memory://")


class UnsharedThrottle(RuntimeError):
    pass


def refuse_unshared_throttle(workers: int, storage: str) -> None:
    """Several worker processes must count login failures in one place."""
    if workers > 1 and storage.startswith("memory://"):
        raise UnsharedThrottle(
            f"{workers} workers with GOVERN_RATELIMIT_STORAGE_URL={storage} would each count failed logins on "
            f"their own and allow {workers} times the limit. Set GOVERN_RATELIMIT_STORAGE_URL=redis://… (shared "
            "by every worker), or serve with one worker (GOVERN_WORKERS=1; it has many threads).")


class _TimedSocket(socket.socket):
    """A client's socket whose blocking reads and writes give up after `client_timeout()` seconds.
    gunicorn switches a connection to blocking mode before each request; here that means "blocking,
    with a time limit"."""

    __slots__ = ()
    seconds = DEFAULT_CLIENT_TIMEOUT

    def setblocking(self, flag: bool) -> None:
        if flag:
            self.settimeout(self.seconds)
        else:
            super().setblocking(False)


class _SlowClientsInOneLine(logging.Filter):
    """gunicorn logs a socket that timed out with a traceback; a slow client is not a bug: one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], TimeoutError):
            record.msg, record.args = "a client sent nothing for %s s: connection closed", (_TimedSocket.seconds,)
            record.levelno, record.levelname = logging.INFO, "INFO"
            record.exc_info = record.exc_text = None
        return True


class ThreadWorker(GunicornThreadWorker):
    """gunicorn's gthread worker, with a time limit on each client's reads and writes."""

    def init_process(self):
        _TimedSocket.seconds = client_timeout()
        self.log.error_log.addFilter(_SlowClientsInOneLine())
        super().init_process()

    def enqueue_req(self, conn):
        if type(conn.sock) is socket.socket:
            conn.sock.__class__ = _TimedSocket  # same layout: only setblocking() changes
        super().enqueue_req(conn)
