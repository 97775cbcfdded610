#!/usr/bin/env python
"""Palabre's collect benchmark: the pages of a collect step holding 10,000 proposals.

Same machinery as bench/run.py (throwaway PostgreSQL with durable defaults, granian WSGI with 2
workers, wrk on 127.0.0.1, every page as a ratio to the trivial view measured first and last in
the same run), on a database seeded by bench/collect_seed.py: one open
participatory-budget step with 10,000 published proposals (pins, themes, districts, statuses,
comments). Anonymous visitors without cookies, as wrk sends them: the list, map and proposal
pages are served through the anonymous page cache (PAGE_CACHE_SECONDS, 60 s by default) unless
``--no-page-cache``. A page passes at 0.15 x the trivial view or better. See bench/README.md.

    .venv/bin/python bench/collect.py --duration 5
    .venv/bin/python bench/collect.py --no-page-cache
    .venv/bin/python bench/collect.py --logged-in     # a participant's session (bench/loggedin.py)
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shlex
import sys
import time
from pathlib import Path

import loggedin  # the logged-in participant
import run as foundation  # bench/run.py: servers, load, parsing, the report's table
import steppages  # what the step-page benchmarks share
from run import (
    BAR,
    BIN,
    ROOT,
    Cleanup,
    cpu_model,
    git_revision,
    say,
    tool_version,
)
from steppages import json_line, table

RESULTS = ROOT / "bench" / "results"
DEFAULT_OUTPUT = RESULTS / "collect.md"
README_MARKER = "latest-collect"

# label → path template; {p} project, {s} step, {id} a proposal: filled from the seed.
PAGES = [
    ("list, default sort (random)", "/projects/{p}/{s}/"),
    ("list, ?sort=newest&page=3", "/projects/{p}/{s}/?sort=newest&page=3"),
    ("map data (JSON, 1,000 pins)", "/projects/{p}/{s}/proposals/map/pins.json"),
    ("proposal page", "/projects/{p}/{s}/proposals/{id}/"),
]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--duration", type=float, default=10, help="seconds of load per URL")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of warm-up per URL")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    parser.add_argument("--workers", type=int, default=2, help="granian workers")
    parser.add_argument("--proposals", type=int, default=10_000, help="seed: proposals")
    parser.add_argument(
        "--no-page-cache", action="store_true", help="PAGE_CACHE_SECONDS=0 (every page rendered)"
    )
    parser.add_argument(
        "--logged-in",
        action="store_true",
        help="every request with a participant's session (never cached: implies --no-page-cache)",
    )
    parser.add_argument("--output", type=Path, default=None, help=f"default: {DEFAULT_OUTPUT}")
    parser.add_argument("--no-write", action="store_true", help="do not write a results file")
    parser.add_argument("--show-sql", action="store_true", help="print each page's SQL")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a page fails the bar")
    args = parser.parse_args(argv)
    if args.duration <= 0 or args.duration > 600:
        parser.error("--duration must be in (0, 600] seconds")
    if args.logged_in:  # a logged-in page is never served from the page cache
        args.no_page_cache = True
    if args.output is None:
        args.output = DEFAULT_OUTPUT.with_name(
            "collect"
            + ("-sqlite" if args.db == "sqlite" else "")
            + ("-logged-in" if args.logged_in else "")
            + ("-no-page-cache" if args.no_page_cache and not args.logged_in else "")
            + ".md"
        )
    return args


def report(args, info, seed, server_cmd, rows, notes) -> str:
    wrk_version = tool_version(["wrk", "-v"]).split(" Copyright")[0]
    argv = " ".join(shlex.quote(a) for a in sys.argv[1:])
    cache = (
        "anonymous page cache off (PAGE_CACHE_SECONDS=0)"
        if args.no_page_cache
        else "anonymous page cache on (PAGE_CACHE_SECONDS=60)"
    )
    lines = [
        "# Collect benchmark",
        "",
        f"- date: {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- code: {git_revision()}",
        f"- machine: {os.cpu_count()} CPUs (nproc), {cpu_model()}, "
        f"Linux {platform.release()}, Python {platform.python_version()}",
        f"- database: {info['db']}, throwaway"
        + (" cluster with durable defaults" if args.db == "postgres" else " file"),
        f"- data (bench/collect_seed.py, {seed['seconds']} s): one open "
        f"collect step with {seed['proposals']:,} published proposals (each pinned, with a "
        f"theme, a district, a category, a status, a cost) and {seed['comments']:,} comments",
        f"- server: {tool_version([str(BIN / 'granian'), '--version'])}: "
        f"`granian {' '.join(server_cmd[1:])}`, DEBUG=false, cache: local memory, {cache}",
        f"- load: {wrk_version}, `wrk -t{args.threads} -c{args.connections} "
        f"-d{args.duration:g}s --latency` after a {args.warmup:g} s warm-up, per URL, "
        + (
            "every request with the logged-in participant's session and CSRF cookies"
            if args.logged_in
            else "anonymous and without cookies"
        )
        + ", on the same machine",
        f"- command: `.venv/bin/python bench/collect.py{' ' + argv if argv else ''}`",
        f"- bar: every page at {BAR}× the trivial view's req/s or better; the trivial view is "
        "measured first and last, and their mean is the baseline",
        "",
        table(rows),
        "",
        (
            "SQL: queries of one request with the participant's cookies"
            if args.logged_in
            else "SQL: queries of one anonymous request without cookies"
        )
        + " (Django test client, same "
        "database, the organisation already cached): the 1st request renders the page, the "
        "2nd is what the load mostly gets (0 when it comes from the anonymous page cache).",
    ]
    if notes:
        lines += ["", *[f"- {note}" for note in notes]]
    return "\n".join(lines) + "\n"


def bench(args, cleanup: Cleanup) -> int:
    tmp, pgdir, env = foundation.prepare(cleanup, db=args.db, page_cache=not args.no_page_cache)

    started = time.monotonic()
    py = sys.executable
    foundation.run([py, "manage.py", "migrate", "--no-input", "-v0"], env=env)
    out = foundation.run(
        [py, "bench/collect_seed.py", "--proposals", args.proposals],
        env=env,
        timeout=1800,
        capture=True,
    )
    seed = json_line(out, "SEED-JSON ")
    say(f"seed: {seed}")
    foundation.run([py, "manage.py", "collectstatic", "--no-input", "-v0"], env=env)
    say(f"seeded in {time.monotonic() - started:.0f} s")

    fill = {"p": seed["project"], "s": seed["step"], "id": seed["proposal"]}
    pages = [(label, template.format(**fill)) for label, template in PAGES]
    login = None
    if args.logged_in:
        paths = [path for _label, path in pages]
        login = loggedin.participant(env, py, kind="collect", fill=fill, paths=paths)
    return steppages.measure_pages(
        args,
        cleanup,
        env=env,
        tmp=tmp,
        pgdir=pgdir,
        py=py,
        pages=pages,
        report=lambda info, server_cmd, rows, notes: report(
            args, info, seed, server_cmd, rows, notes
        ),
        default_output=DEFAULT_OUTPUT,
        readme_marker=README_MARKER,
        readme_head=lambda info: f"{info['db']}, {seed['proposals']:,} proposals in one step",
        login=login,
    )


def main(argv=None) -> int:
    args = parse_args(argv)
    return foundation.guarded(bench, args)


if __name__ == "__main__":
    sys.exit(main())
