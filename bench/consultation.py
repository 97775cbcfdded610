#!/usr/bin/env python
"""Palabre's consultation benchmark: the consultation pages at « République numérique » scale.

Same machinery as bench/run.py (throwaway PostgreSQL with durable defaults, granian WSGI with 2
workers, wrk on 127.0.0.1, every page as a ratio to the trivial view measured first and last in
the same run), on a database seeded by bench/consultation_seed.py: one open consultation with
700 opinions, 600 amendments, 4,000 arguments (500 on one article), 400 sources, 150,000 votes
and 5,000 participants. Anonymous visitors, no cookie (each request is a new visitor). A page
passes at 0.15 x the trivial view or better. See bench/README.md.

    make bench BENCH_ARGS="--consultation"
    .venv/bin/python bench/consultation.py --duration 5
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import secrets
import shlex
import shutil
import sys
import tempfile
import time
from pathlib import Path

import run as foundation  # bench/run.py: servers, load, parsing, the report's table
from run import (
    BAR,
    BIN,
    HOST,
    ROOT,
    TRIVIAL,
    BenchError,
    Cleanup,
    OtherCpu,
    check_status,
    cpu_model,
    fmt_ms,
    free_port,
    git_revision,
    measure,
    say,
    start_granian,
    start_postgres,
    tool_version,
)

RESULTS = ROOT / "bench" / "results"
DEFAULT_OUTPUT = RESULTS / "consultation.md"
README_MARKER = "latest-consultation"

# label → path template; {p} project, {s} step, {section}, {hot}: filled from the seed.
PAGES = [
    ("consultation home", "/projects/{p}/{s}/"),
    ("section, default sort (random)", "/projects/{p}/{s}/sections/{section}/"),
    ("section, ?sort=votes", "/projects/{p}/{s}/sections/{section}/?sort=votes"),
    ("opinion, 500 arguments", "/projects/{p}/{s}/opinions/{hot}/"),
]

# Query counts: each request from a fresh client (no cookie, as wrk), after one request that
# warms the organisation cache; the second request is what the load mostly gets.
PROBE = r"""
import json, os, sqlite3
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

Client(HTTP_HOST="127.0.0.1").get("/healthz")
pages = {}
for path in json.loads(os.environ["BENCH_PATHS"]):
    runs = []
    for _ in range(2):
        client = Client(HTTP_HOST="127.0.0.1")
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path)
        runs.append((response, ctx.captured_queries))
    (first, cold), (second, warm) = runs
    pages[path] = {
        "status": second.status_code,
        "bytes": len(second.content),
        "queries_cold": len(cold),
        "queries": len(warm),
        "sql": [q["sql"] for q in warm],
        "ms": [round(float(q["time"]) * 1000, 2) for q in warm],
    }
if connection.vendor == "postgresql":
    with connection.cursor() as cursor:
        cursor.execute("show server_version")
        db = "PostgreSQL " + cursor.fetchone()[0]
        cursor.execute("show fsync")
        db += " (fsync " + cursor.fetchone()[0] + ")"
else:
    db = f"{connection.vendor} {sqlite3.sqlite_version}"
print("BENCH-JSON " + json.dumps({"pages": pages, "db": db}))
"""


def table(rows: list[dict]) -> str:
    lines = [
        "| page | URL | req/s | × trivial | p50 | p99 | SQL, 1st request | SQL, 2nd | verdict |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['label']} | `{r['path']}` | {r['rps']:.0f} | {r['ratio']:.2f} "
            f"| {fmt_ms(r['p50'])} | {fmt_ms(r['p99'])} | {r['queries_cold']} "
            f"| {r['queries']} | {r['verdict']} |"
        )
    return "\n".join(lines)


def json_line(out: str, prefix: str) -> dict:
    for line in out.splitlines():
        if line.startswith(prefix):
            return json.loads(line.removeprefix(prefix))
    raise BenchError(f"no {prefix.strip()} line in the output")


def loadavg() -> str:
    try:
        return " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--duration", type=float, default=10, help="seconds of load per URL")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of warm-up per URL")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    parser.add_argument("--workers", type=int, default=2, help="granian workers")
    parser.add_argument("--users", type=int, default=5000, help="seed: participants")
    parser.add_argument("--opinions", type=int, default=700, help="seed: opinions")
    parser.add_argument("--arguments", type=int, default=4000, help="seed: arguments")
    parser.add_argument(
        "--hot-arguments", type=int, default=500, help="seed: arguments on the measured opinion"
    )
    parser.add_argument("--votes", type=int, default=150_000, help="seed: votes")
    parser.add_argument("--output", type=Path, default=None, help=f"default: {DEFAULT_OUTPUT}")
    parser.add_argument("--no-write", action="store_true", help="do not write a results file")
    parser.add_argument("--show-sql", action="store_true", help="print each page's SQL")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a page fails the bar")
    parser.add_argument(
        "--no-page-cache", action="store_true", help="PAGE_CACHE_SECONDS=0 (every page rendered)"
    )
    args = parser.parse_args(argv)
    if args.duration <= 0 or args.duration > 600:
        parser.error("--duration must be in (0, 600] seconds")
    if args.output is None:
        args.output = DEFAULT_OUTPUT.with_name(
            "consultation"
            + ("-sqlite" if args.db == "sqlite" else "")
            + ("-no-page-cache" if args.no_page_cache else "")
            + ".md"
        )
    return args


def report(args, info, seed, server_cmd, rows, notes) -> str:
    wrk_version = tool_version(["wrk", "-v"]).split(" Copyright")[0]
    argv = " ".join(shlex.quote(a) for a in sys.argv[1:] if a != "--consultation")
    lines = [
        "# Consultation benchmark",
        "",
        f"- date: {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- code: {git_revision()}",
        f"- machine: {os.cpu_count()} CPUs (nproc), {cpu_model()}, "
        f"Linux {platform.release()}, Python {platform.python_version()}",
        f"- database: {info['db']}, throwaway"
        + (" cluster with durable defaults" if args.db == "postgres" else " file"),
        f"- data (bench/consultation_seed.py, {seed['seconds']} s): one open consultation, "
        f"{seed['opinions']} opinions, {seed['versions']} amendments, {seed['arguments']} "
        f"arguments, {seed['sources']} sources, {seed['votes']:,} votes, {seed['users']:,} "
        f"participants; the section measured holds {seed['section_opinions']} opinions (20 a "
        f"page); the opinion measured has {seed['hot_arguments']} arguments and "
        f"{seed['hot_versions']} amendments",
        f"- server: {tool_version([str(BIN / 'granian'), '--version'])}: "
        f"`granian {' '.join(server_cmd[1:])}`, DEBUG=false, cache: local memory, "
        + (
            "anonymous page cache off (PAGE_CACHE_SECONDS=0)"
            if args.no_page_cache
            else "anonymous page cache on (PAGE_CACHE_SECONDS=60; a section page is cached "
            "once per random order, 16 of them)"
        ),
        f"- load: {wrk_version}, `wrk -t{args.threads} -c{args.connections} "
        f"-d{args.duration:g}s --latency` after a {args.warmup:g} s warm-up, per URL, "
        "anonymous and without cookies (each request a new visitor), on the same machine",
        f'- command: `make bench BENCH_ARGS="--consultation{" " + argv if argv else ""}"` '
        f"(`.venv/bin/python bench/consultation.py{' ' + argv if argv else ''}`)",
        f"- bar: every page at {BAR}× the trivial view's req/s or better; the trivial view is "
        "measured first and last, and their mean is the baseline",
        "",
        table(rows),
        "",
        "SQL: queries of one anonymous request without cookies (Django test client, same "
        "database, the organisation already cached): the 1st and the 2nd request of two "
        "fresh visitors (each request without cookies draws one of the 16 random orders); the "
        "2nd is 0 when it comes from the anonymous page cache.",
    ]
    if notes:
        lines += ["", *[f"- {note}" for note in notes]]
    return "\n".join(lines) + "\n"


def bench(args, cleanup: Cleanup) -> int:
    if not shutil.which("wrk"):
        raise BenchError("wrk is missing: run `make bench`, or scripts/system-deps wrk")
    tmp = Path(tempfile.mkdtemp(prefix="palabre-bench-"))
    cleanup.push("remove the temporary directory", lambda: shutil.rmtree(tmp, ignore_errors=True))
    if args.db == "postgres":
        database_url, pgdir = start_postgres(cleanup)
    else:
        database_url, pgdir = f"sqlite:///{tmp / 'bench.sqlite3'}", None
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(
        DATABASE_URL=database_url,
        PALABRE_VAR_DIR=str(tmp / "var"),
        DJANGO_SETTINGS_MODULE="palabre.settings.base",
        DEBUG="false",
        SECURE_SSL_REDIRECT="false",
        ALLOWED_HOSTS=HOST,
        SECRET_KEY=secrets.token_urlsafe(50),
        PYTHONUNBUFFERED="1",
    )
    if args.no_page_cache:
        env["PAGE_CACHE_SECONDS"] = "0"
    say(f"database: {database_url}")

    started = time.monotonic()
    py = sys.executable
    foundation.run([py, "manage.py", "migrate", "--no-input", "-v0"], env=env)
    foundation.run([py, "manage.py", "load_demo", "-v0"], env=env, timeout=600)
    out = foundation.run(
        [
            py,
            "bench/consultation_seed.py",
            "--users",
            args.users,
            "--opinions",
            args.opinions,
            "--arguments",
            args.arguments,
            "--hot-arguments",
            args.hot_arguments,
            "--votes",
            args.votes,
        ],
        env=env,
        timeout=1800,
        capture=True,
    )
    seed = json_line(out, "SEED-JSON ")
    say(f"seed: {seed}")
    foundation.run([py, "manage.py", "collectstatic", "--no-input", "-v0"], env=env)
    say(f"seeded in {time.monotonic() - started:.0f} s")

    fill = {"p": seed["project"], "s": seed["step"], "section": seed["section"]}
    fill["hot"] = seed["hot_opinion"]
    pages = [(label, template.format(**fill)) for label, template in PAGES]
    paths = [TRIVIAL, *[path for _label, path in pages]]
    out = foundation.run(
        [py, "manage.py", "shell", "-c", PROBE],
        env=dict(env, BENCH_PATHS=json.dumps(paths)),
        capture=True,
    )
    info = json_line(out, "BENCH-JSON ")
    for path in paths:
        page = info["pages"][path]
        if page["status"] != 200:
            raise BenchError(f"GET {path} answered {page['status']} in the test client")
        if args.show_sql:
            say(f"SQL of {path}, 2nd request ({page['queries']} queries):")
            for sql, ms in zip(page["sql"], page["ms"], strict=True):
                print(f"    [{ms} ms] {sql}")

    port = free_port()
    server_cmd, granian_pgid = start_granian(env, port, args.workers, tmp / "granian.log", cleanup)
    for path in paths:
        check_status(port, path)

    load_before = loadavg()
    say(f"load average (1/5/15 min) before measuring: {load_before}")
    say(f"load: {args.duration:g} s per URL, {args.connections} connections")
    other_cpu = OtherCpu(granian_pgid, pgdir)
    first = measure(args, port, TRIVIAL)
    loads = [(label, measure(args, port, path)) for label, path in pages]
    last = measure(args, port, TRIVIAL)
    load_after = loadavg()
    baseline = (first.rps + last.rps) / 2

    notes = [f"load average (1/5/15 min): {load_before} before measuring, {load_after} after"]
    share = other_cpu.share()
    if share is not None:
        notes.append(
            f"other processes used {share:.0%} of the machine's CPU time while it was measured"
            + (": the figures are disturbed" if share > 0.05 else "")
        )
    drift = abs(first.rps - last.rps) / baseline if baseline else 0
    if drift > 0.15:
        notes.append(
            f"the trivial view moved {drift:.0%} between the first and last runs: "
            "the machine was busy, figures are noisy"
        )
    rows, failed = [], []
    measured = [
        ("trivial view (first)", first, False),
        *[(label, load, True) for label, load in loads],
        ("trivial view (last)", last, False),
    ]
    for label, load, is_page in measured:
        ratio = load.rps / baseline if baseline else 0.0
        if load.non_2xx:
            verdict = f"FAIL ({load.non_2xx} non-2xx)"
        elif not is_page:
            verdict = "baseline"
        else:
            verdict = "PASS" if ratio >= BAR else "FAIL"
        if verdict.startswith("FAIL"):
            failed.append(load.path)
        if load.socket_errors:
            notes.append(f"{load.path}: {load.socket_errors} socket errors (timeouts) under load")
        page = info["pages"][load.path]
        rows.append(
            {
                "label": label,
                "path": load.path,
                "rps": load.rps,
                "ratio": ratio,
                "p50": load.p50_ms,
                "p99": load.p99_ms,
                "queries_cold": page["queries_cold"],
                "queries": page["queries"],
                "verdict": verdict,
            }
        )

    text = report(args, info, seed, server_cmd, rows, notes)
    print()
    print(text)
    if not args.no_write:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        partial = args.output.with_suffix(args.output.suffix + ".tmp")
        partial.write_text(text)
        partial.replace(args.output)
        say(f"results written to {args.output}")
        if args.output == DEFAULT_OUTPUT:
            update_readme(info, seed, rows, notes)
    if failed:
        say("below the bar: " + ", ".join(failed))
        return 1 if args.strict else 0
    return 0


def update_readme(info: dict, seed: dict, rows: list[dict], notes: list[str]) -> None:
    """Copy the table into bench/README.md, between the ``<!-- latest-consultation -->`` marks."""
    readme = ROOT / "bench" / "README.md"
    text = readme.read_text()
    start_mark = f"<!-- {README_MARKER}: from results/consultation.md -->\n"
    start = text.find(start_mark)
    end = text.find(f"<!-- /{README_MARKER} -->")
    if start < 0 or end < start:
        return
    summary = (
        f"{dt.date.today().isoformat()}, {os.cpu_count()} CPUs, {info['db']}, "
        f"{seed['opinions']} opinions, {seed['arguments']} arguments, {seed['votes']:,} votes:"
        f"\n\n{table(rows)}\n"
    )
    if notes:
        summary += "\n" + "".join(f"- {note}\n" for note in notes)
    readme.write_text(text[: start + len(start_mark)] + summary + text[end:])


def main(argv=None) -> int:
    args = parse_args(argv)
    return foundation.guarded(bench, args)


if __name__ == "__main__":
    sys.exit(main())
