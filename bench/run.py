"""`make bench`: generate a world, measure every figure against its reference in the same run,
and write bench/results.json and bench/RESULTS.md.

    python -m bench.run [--scale full|smoke] [--out DIR] [--database URL ...]

SQLite always (a scratch file); PostgreSQL too when BENCH_DATABASE_URL (or --database) names a
database the bench may wipe: its name must contain "bench".
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

from bench import http_load as http_bench
from bench.figures import FIGURES
from bench.scale import SCALES, Scale

ROOT = Path(__file__).resolve().parent.parent
TALLY_MEMORY_LIMIT_MB = 300


@dataclass(frozen=True)
class Target:
    figure: str
    title: str
    reference: str
    kind: str      # "time_ratio" (≤), "rate_ratio" (≥) or "median_ms" (≤)
    limit: float


TARGETS = [
    Target("http_ballot", "cast a ballot over HTTP (PUT /api/v1/proposals/{id}/ballot)",
           "bare Flask JSON endpoint, same gunicorn", "rate_ratio", 0.5),
    Target("tally_yes_no", "close and tally 1M yes/no ballots, effect applied", "GROUP BY choice", "time_ratio", 1.5),
    Target("tally_ranked", "close and tally 1M ranked ballots (STV, 5 candidates, 2 seats)",
           "GROUP BY choice + pref_voting stv_scottish", "time_ratio", 2.0),
    Target("payroll", "payroll for 100,000 workers", "raw executemany of the same postings and payslips",
           "time_ratio", 2.0),
    Target("transfers", "ledger transfers through post(), one transaction each",
           "raw executemany of the same entries and postings, one transaction", "rate_ratio", 0.3),
    Target("transfer_batches", "transfers in batches of 1,000 (POST /api/v1/transfers/batch's service)",
           "raw executemany of the same entries and postings, one transaction", "rate_ratio", 0.3),
    Target("records_capital_pool", "capital-pool history page (1M entries)", "—", "median_ms", 100),
    Target("records_wages", "wage records page (100k workers' payslips)", "—", "median_ms", 100),
    Target("ballot_in_process", "cast a ballot in-process (Flask test client, no HTTP)", "—", "info", 0),
]
# What each figure measures and on which sides is declared once, by the figures themselves.
MEASURED_BY_FIGURES = list(FIGURES)
WITH_REFERENCE = {name for name, sides in FIGURES.items() if "reference" in sides}
PROFILED = [name for name in MEASURED_BY_FIGURES if not name.startswith("records_")]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _python(args: list[str], env: dict, timeout: float = 1800) -> dict:
    output = subprocess.run([sys.executable, *args], env=env, cwd=ROOT, check=False, capture_output=True, text=True,
                            timeout=timeout)
    if output.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{output.stderr[-4000:]}")
    return json.loads(output.stdout.strip().splitlines()[-1])


def _environment(database_url: str) -> dict:
    env = dict(os.environ)
    env.update({"GOVERN_DATABASE_URL": database_url, "GOVERN_SECRET_KEY": "bench-only-secret",
                "GOVERN_RUN_SCHEDULER": "0", "PYTHONPATH": str(ROOT)})
    return env


def _wipe_postgresql(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[-1].split("?")[0]
    if "bench" not in name:
        raise SystemExit(f"Refusing to wipe database {name!r}: the bench database's name must contain 'bench'.")
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as connection:
        connection.execute("DROP SCHEMA public CASCADE")
        connection.execute("CREATE SCHEMA public")


def _database_version(url: str) -> str:
    if url.startswith("sqlite"):
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as connection:
        return connection.execute("SHOW server_version").fetchone()[0].join(("PostgreSQL ", ""))


def measure_database(url: str, scale: Scale, work: Path, log, profiles: Path | None = None) -> dict:
    """Generate the world in this database, then every figure's runs, Conductor's and the
    reference's alternately."""
    env = _environment(url)
    if url.startswith("postgresql"):
        _wipe_postgresql(url)
    world_path = work / "world.json"
    log(f"  generating the world ({scale.members:,} members) …")
    generated = _python(["-m", "bench.prepare", "--world", str(world_path), "--scale", scale.name], env)
    log(f"  generated in {generated['generated_seconds']} s: "
        + ", ".join(f"{name} {seconds} s" for name, seconds in generated["phases"].items()))
    runs: dict[str, dict[str, list[dict]]] = {}
    for figure in MEASURED_BY_FIGURES:
        count = _runs_of(figure, scale)
        for run in range(count):
            for side in ("conductor", "reference") if figure in WITH_REFERENCE else ("conductor",):
                result = _python(["-m", "bench.figures", figure, side, str(run), "--world", str(world_path),
                                  "--scale", scale.name], env)
                runs.setdefault(figure, {}).setdefault(side, []).append(result)
                log(f"  {figure:22} {side:9} run {run + 1}/{count}: {_describe(result)}")
    runs["http_ballot"] = _http(world_path, scale, env, work, log)
    if profiles is not None:
        _profile(world_path, scale, env, profiles / _database_label(url), log)
    return {"database": _database_version(url), "generated_seconds": generated["generated_seconds"],
            "generation_phases": generated["phases"], "runs": runs}


def _database_label(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgresql"


def _profile(world_path: Path, scale: Scale, env: dict, directory: Path, log) -> None:
    """One more run of Conductor's side of each figure under pyinstrument (not counted)."""
    directory.mkdir(parents=True, exist_ok=True)
    for figure in PROFILED:
        target = directory / f"{figure}.txt"
        _python(["-m", "bench.figures", figure, "conductor", str(_runs_of(figure, scale)), "--world",
                 str(world_path), "--scale", scale.name, "--profile", str(target)], env)
        log(f"  profile of {figure} written to {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}")


def _runs_of(figure: str, scale: Scale) -> int:
    return {"tally_yes_no": scale.tally_runs, "tally_ranked": scale.tally_runs, "payroll": scale.payroll_runs,
            "transfers": scale.transfer_batches}.get(figure, 1)


def _describe(result: dict) -> str:
    if "rate" in result:
        return f"{result['rate']:,.0f}/s, peak {result['peak_mb']:.0f} MB"
    return f"{result['seconds'] * 1000:,.1f} ms, peak {result['peak_mb']:.0f} MB"


def _http(world_path: Path, scale: Scale, env: dict, work: Path, log) -> dict:
    world = json.loads(world_path.read_text())
    tokens_file = work / "tokens.json"
    tokens_file.write_text(json.dumps(world["tokens"]))
    path = f"/api/v1/proposals/{world['http_proposal']}/ballot"
    runs: dict[str, list[dict]] = {"conductor": [], "reference": []}
    conductor_port, bare_port = _free_port(), _free_port()
    with http_bench.gunicorn("wsgi:app", conductor_port, env, work / "gunicorn-conductor.log") as conductor, \
            http_bench.gunicorn("bench.bare_app:app", bare_port, env, work / "gunicorn-bare.log") as bare:
        for run in range(scale.http_runs):
            for side, port, server in (("conductor", conductor_port, conductor), ("reference", bare_port, bare)):
                result = _python(["-m", "bench.http_load", "load", f"http://127.0.0.1:{port}{path}",
                                  "--seconds", str(scale.http_seconds), "--connections", str(scale.http_connections),
                                  "--tokens", str(tokens_file)], env, timeout=scale.http_seconds + 120)
                result["peak_mb"] = http_bench.workers_peak_mb(server.pid)
                runs[side].append(result)
                log(f"  {'http_ballot':22} {side:9} run {run + 1}/{scale.http_runs}: {result['rate']:,.0f} req/s, "
                    f"p99 {result['p99_ms']:.1f} ms, {result['failures']} failed")
    return runs


def summarize(measured: dict) -> list[dict]:
    rows = []
    for target in TARGETS:
        runs = measured["runs"].get(target.figure)
        if not runs:
            continue
        conductor, reference = runs["conductor"], runs.get("reference", [])
        row = {"figure": target.figure, "title": target.title, "reference": target.reference, "kind": target.kind,
               "target": target.limit, "runs": len(conductor),
               "peak_mb": max(r.get("peak_mb", 0) for r in conductor)}
        if target.kind == "info":
            value = statistics.median(r["rate"] for r in conductor)
            row.update(conductor=value, unit="/s", ratio=None, passed=None)
        elif target.kind == "median_ms":
            value = statistics.median(r["seconds"] for r in conductor) * 1000
            row.update(conductor=value, unit="ms", ratio=None, passed=value <= target.limit)
        elif target.kind == "rate_ratio":
            mine, theirs = statistics.median(r["rate"] for r in conductor), statistics.median(r["rate"] for r in reference)
            row.update(conductor=mine, reference_value=theirs, unit="/s", ratio=mine / theirs,
                       passed=mine / theirs >= target.limit, reference_peak_mb=max(r.get("peak_mb", 0) for r in reference))
            if target.figure == "http_ballot":
                row["p99_ms"] = statistics.median(r["p99_ms"] for r in conductor)
                row["reference_p99_ms"] = statistics.median(r["p99_ms"] for r in reference)
                row["failures"] = sum(r["failures"] for r in conductor)
                row["passed"] = row["passed"] and row["failures"] == 0
        else:
            mine = statistics.median(r["seconds"] for r in conductor)
            theirs = statistics.median(r["seconds"] for r in reference)
            row.update(conductor=mine * 1000, reference_value=theirs * 1000, unit="ms", ratio=mine / theirs,
                       passed=mine / theirs <= target.limit, reference_peak_mb=max(r.get("peak_mb", 0) for r in reference))
        if target.figure.startswith("tally_"):
            row["memory_passed"] = row["peak_mb"] < TALLY_MEMORY_LIMIT_MB
            row["passed"] = row["passed"] and row["memory_passed"]
        rows.append(row)
    return rows


def machine() -> dict:
    libraries = {name: _version(name) for name in ("flask", "sqlalchemy", "psycopg", "gunicorn", "pref_voting",
                                                   "flask-sqlalchemy", "werkzeug")}
    return {"cores": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
            "processor": platform.processor() or platform.machine(), "libraries": libraries}


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def _format_value(row: dict, key: str) -> str:
    value = row.get(key)
    if value is None:
        return "—"
    return f"{value:,.0f} {row['unit']}" if row["unit"] == "/s" else f"{value:,.1f} {row['unit']}"


def _target_text(row: dict) -> str:
    if row["kind"] == "info":
        return "—"
    if row["kind"] == "median_ms":
        return f"≤ {row['target']:g} ms"
    return f"≥ {row['target']:g}×" if row["kind"] == "rate_ratio" else f"≤ {row['target']:g}×"


def markdown(results: dict) -> str:
    info = results["machine"]
    lines = ["# Benchmark results", "",
             f"Generated by `make bench` on {results['finished_at']} (scale `{results['scale']['name']}`, "
             f"seed {results['scale']['seed']}), {results['total_seconds']:.0f} s end to end.", "",
             f"Machine: {info['cores']} cores, {info['processor']}, {info['platform']}, Python {info['python']}. "
             "Libraries: " + ", ".join(f"{name} {version}" for name, version in info["libraries"].items()) + ".", "",
             "Each figure is the median of its runs; Conductor and the reference run alternately in the same run, "
             "each in a process of its own (peak memory is that process's maximum resident set). "
             "Reference inserts are rolled back, so their commit is not timed and the ratios lean against "
             "Conductor.", ""]
    for database in results["databases"]:
        lines += [f"## {database['database']}", "",
                  f"World generated in {database['generated_seconds']} s.", "",
                  "| figure | Conductor | reference | ratio | target | peak memory | result |",
                  "|---|---|---|---|---|---|---|"]
        for row in database["summary"]:
            ratio = "—" if row["ratio"] is None else f"{row['ratio']:.2f}×"
            memory = f"{row['peak_mb']:.0f} MB"
            if "reference_peak_mb" in row:
                memory += f" (ref. {row['reference_peak_mb']:.0f} MB)"
            conductor = _format_value(row, "conductor")
            if "p99_ms" in row:
                conductor += f", p99 {row['p99_ms']:.1f} ms"
            reference = _format_value(row, "reference_value")
            if "reference_p99_ms" in row:
                reference += f", p99 {row['reference_p99_ms']:.1f} ms"
            verdict = {True: "pass", False: "**miss**", None: "info"}[row["passed"]]
            lines.append(f"| {row['title']} | {conductor} | {reference} ({row['reference']}) | {ratio} | "
                         f"{_target_text(row)} | {memory} | {verdict} |")
        lines.append("")
    notes = ROOT / "bench" / "NOTES.md"
    if notes.exists():
        lines += [notes.read_text().strip(), ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", choices=sorted(SCALES), default="full")
    parser.add_argument("--out", type=Path, default=ROOT / "bench")
    parser.add_argument("--profile", action="store_true",
                        help="also profile Conductor's side of each figure (pyinstrument) into OUT/profiles/")
    parser.add_argument("--database", action="append", default=None,
                        help="a PostgreSQL URL to measure as well (default: $BENCH_DATABASE_URL)")
    parser.add_argument("--report-only", action="store_true",
                        help="rewrite OUT/RESULTS.md from OUT/results.json (after editing bench/NOTES.md)")
    args = parser.parse_args(argv)
    if args.report_only:
        (args.out / "RESULTS.md").write_text(markdown(json.loads((args.out / "results.json").read_text())))
        return 0
    scale = SCALES[args.scale]
    postgres = args.database if args.database is not None else [u for u in [os.environ.get("BENCH_DATABASE_URL")] if u]
    started = time.perf_counter()
    results = {"scale": scale.to_json(), "machine": machine(), "databases": []}
    with tempfile.TemporaryDirectory(prefix="conductor-bench-") as scratch:
        for index, url in enumerate([None, *postgres]):
            work = Path(scratch) / f"db{index}"
            work.mkdir()
            url = url or f"sqlite:///{work / 'bench.sqlite3'}"
            print(f"{url.split('@')[-1]}:", flush=True)
            measured = measure_database(url, scale, work, lambda text: print(text, flush=True),
                                        profiles=args.out / "profiles" if args.profile else None)
            measured["summary"] = summarize(measured)
            results["databases"].append(measured)
    results["total_seconds"] = time.perf_counter() - started
    results["finished_at"] = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(results, indent=1))
    report = markdown(results)
    (args.out / "RESULTS.md").write_text(report)
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
