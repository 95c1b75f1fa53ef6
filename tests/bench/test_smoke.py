"""`make bench` itself is not a test (it takes minutes and measures, it does not check). This tiny
run of the same scripts proves they work end to end: a small world, every figure measured once
against its reference, gunicorn under load for half a second, results.json and RESULTS.md written."""
import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from govern.config import normalize_database_url

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.real_clock  # the bench runs in processes of its own
PG_URL = os.environ.get("TEST_DATABASE_URL")


@pytest.fixture
def bench_database():
    """On PostgreSQL runs, a database of its own next to the tests' (the bench wipes its database)."""
    if not PG_URL:
        yield []
        return
    server, name = PG_URL.rsplit("/", 1)
    bench_name = f"{name}_bench"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{bench_name}"')
        connection.execute(f'CREATE DATABASE "{bench_name}"')
    yield [normalize_database_url(f"{server}/{bench_name}")]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{bench_name}" WITH (FORCE)')


def test_the_bench_runs_end_to_end_and_writes_its_report(tmp_path, bench_database):
    command = [sys.executable, "-m", "bench.run", "--scale", "smoke", "--out", str(tmp_path)]
    for url in bench_database:
        command += ["--database", url]
    env = {key: value for key, value in os.environ.items() if key != "BENCH_DATABASE_URL"}
    finished = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert finished.returncode == 0, finished.stderr[-3000:]

    results = json.loads((tmp_path / "results.json").read_text())
    assert len(results["databases"]) == 1 + len(bench_database)
    expected = {"http_ballot", "tally_yes_no", "tally_ranked", "payroll", "transfers", "transfer_batches",
                "records_capital_pool", "records_wages", "ballot_in_process"}
    for database in results["databases"]:
        figures = {row["figure"]: row for row in database["summary"]}
        assert set(figures) == expected
        for name in expected - {"records_capital_pool", "records_wages", "ballot_in_process"}:
            assert figures[name]["ratio"] > 0
        assert figures["http_ballot"]["failures"] == 0
        assert figures["tally_yes_no"]["peak_mb"] > 0
    report = (tmp_path / "RESULTS.md").read_text()
    assert "| figure | Conductor | reference | ratio | target |" in report
    assert "close and tally 1M ranked ballots" in report
    assert results["machine"]["cores"] == os.cpu_count()
