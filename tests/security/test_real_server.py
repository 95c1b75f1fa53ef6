"""Promises kept by the documented way of serving Conductor (gunicorn with gunicorn.conf.py, as
`make run` does), tested against the real server on 127.0.0.1:

* slow clients cannot starve it: while two clients each send `Content-Length: 100000` and one
  byte (and a third trickles its headers), other requests are answered within a second, and the
  slow ones are let go after GOVERN_CLIENT_TIMEOUT;
* a chunked body over the cap answers 413;
* failed logins share one budget: one worker of threads counts them in its memory; several
  workers refuse to start unless they share Redis, and with Redis they count together.

Found by a hostile visitor against `gunicorn -w 2`: two slow sockets blocked both sync workers
(a normal `GET /regions` took 41 s), and two workers with `memory://` allowed twice the limit."""
from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from contextlib import closing, contextmanager
from pathlib import Path

import pytest

from govern.extensions import db
from govern.serving import UnsharedThrottle, refuse_unshared_throttle
from tests.security.conftest import PASSWORD, REDIS_URL, build_scenario, redis_or_skip

pytestmark = pytest.mark.real_clock  # the server is another process
ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
CLIENT_TIMEOUT = 2


def _free_port() -> int:
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _environment(database_url: str, port: int, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("GOVERN_")}
    env.update(GOVERN_DATABASE_URL=database_url, GOVERN_SECRET_KEY="real-server-test",
               GOVERN_BIND=f"127.0.0.1:{port}", GOVERN_CLIENT_TIMEOUT=str(CLIENT_TIMEOUT), **extra)
    return env


@contextmanager
def served(database_url: str, log: Path, *arguments: str, **extra: str):
    """gunicorn as the README runs it, from the repository's folder; stopped (with its workers) after."""
    port = _free_port()
    with log.open("ab") as output:
        process = subprocess.Popen([str(GUNICORN), "--config", "gunicorn.conf.py", *arguments, "wsgi:app"],
                                   cwd=ROOT, env=_environment(database_url, port, **extra), stdout=output,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log.read_text()
            try:
                _get(port, "/api/v1/regions")
                break
            except OSError:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
        yield port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _get(port: int, path: str) -> tuple[int, float]:
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status, time.monotonic() - started
    finally:
        connection.close()


def _post(port: int, path: str, body: dict) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("POST", path, body=json.dumps(body), headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def _slow_body(port: int) -> socket.socket:
    """A client that promises 100,000 bytes of body and sends one."""
    client = socket.create_connection(("127.0.0.1", port))
    client.sendall(b"POST /api/v1/members HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                   b"Content-Length: 100000\r\n\r\n{")
    return client


def _slow_headers(port: int) -> socket.socket:
    client = socket.create_connection(("127.0.0.1", port))
    client.sendall(b"GET /api/v1/regions HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Still-Typing: ")
    return client


@pytest.fixture
def database(app_factory, now):
    """A fresh migrated database with the security scenario in it; its URL for the server."""
    app = app_factory()
    with app.app_context():
        build_scenario(db.session, now)
        db.session.remove()
    return app.config["SQLALCHEMY_DATABASE_URI"]


def test_two_slow_clients_do_not_delay_anyone_else_and_are_let_go(database, tmp_path):
    with served(database, tmp_path / "gunicorn.log") as port:
        slow = [_slow_body(port), _slow_body(port), _slow_headers(port)]
        time.sleep(0.3)  # the slow requests have reached the server's threads
        answers = [_get(port, "/api/v1/regions") for _ in range(5)] + [_get(port, "/regions")]
        assert all(status == 200 for status, _ in answers)
        assert max(seconds for _, seconds in answers) < 1.0, answers

        started = time.monotonic()
        for client in slow:
            client.settimeout(CLIENT_TIMEOUT + 10)
            with client:
                first = client.recv(64)  # a 400 for the stalled bodies, the connection closed for the rest
                assert first == b"" or first.startswith(b"HTTP/1.1 400"), first
        assert time.monotonic() - started < CLIENT_TIMEOUT + 8
    assert "a client sent nothing for" in (tmp_path / "gunicorn.log").read_text()


def test_a_chunked_body_over_the_cap_answers_413(database, tmp_path):
    with served(database, tmp_path / "gunicorn.log") as port, socket.create_connection(("127.0.0.1", port)) as client:
        client.sendall(b"POST /api/v1/members HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                       b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
        piece = b" " * 65536
        try:
            for _ in range(20):  # 1.25 MiB, over the 1 MiB cap
                client.sendall(b"%x\r\n%s\r\n" % (len(piece), piece))
            client.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered before reading it all
        client.settimeout(10)
        answer = b""
        while chunk := client.recv(65536):  # Connection: close: the answer ends when the server closes
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b'"payload_too_large"' in answer


def test_one_worker_of_threads_counts_failed_logins_in_one_budget(database, tmp_path):
    with served(database, tmp_path / "gunicorn.log") as port:
        attempts = [_post(port, "/api/v1/tokens", {"email": "member@example.org", "password": "wrong-guess"})
                    for _ in range(6)]
        assert attempts == [401] * 5 + [429]
        assert _post(port, "/api/v1/tokens", {"email": "other@example.org", "password": PASSWORD}) == 201


@pytest.mark.parametrize("arguments, extra", [((), {"GOVERN_WORKERS": "2"}), (("-w", "3"), {})])
def test_several_workers_with_a_throttle_in_memory_refuse_to_start(database, tmp_path, arguments, extra):
    env = _environment(database, _free_port(), GOVERN_RATELIMIT_STORAGE_URL="memory://", **extra)
    result = subprocess.run([str(GUNICORN), "--config", "gunicorn.conf.py", *arguments, "wsgi:app"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "would each count failed logins on their own" in result.stdout + result.stderr


def test_the_rule_behind_the_refusal():
    refuse_unshared_throttle(1, "memory://")
    refuse_unshared_throttle(4, "redis://127.0.0.1:6379")
    with pytest.raises(UnsharedThrottle):
        refuse_unshared_throttle(2, "memory://")


def test_make_run_serves_one_worker_with_this_configuration():
    """`make run` and the README's set-up are the configuration tested here."""
    makefile = (ROOT / "Makefile").read_text()
    run = makefile[makefile.index("\nrun:"):].split("\n\n")[0]
    assert "GOVERN_WORKERS=1" in run and "gunicorn --config gunicorn.conf.py wsgi:app" in run
    assert "gunicorn --config gunicorn.conf.py wsgi:app" in (ROOT / "README.md").read_text()


def test_two_workers_sharing_redis_count_failed_logins_together(database, tmp_path):
    connection = redis_or_skip()
    prefix = f"govern-test-{uuid.uuid4().hex}"
    try:
        with served(database, tmp_path / "gunicorn.log", GOVERN_WORKERS="2", GOVERN_RATELIMIT_STORAGE_URL=REDIS_URL,
                    GOVERN_RATELIMIT_KEY_PREFIX=prefix) as port:
            attempts = [_post(port, "/api/v1/tokens", {"email": "member@example.org", "password": "wrong-guess"})
                        for _ in range(6)]
        assert attempts == [401] * 5 + [429]
        assert "Booting worker" in (tmp_path / "gunicorn.log").read_text()
    finally:
        for key in connection.scan_iter(f"*{prefix}*"):
            connection.delete(key)
        connection.close()
