#!/usr/bin/env python
"""Where a page's time goes: CPU time per request, SQL queries, and cProfile's top items.

Runs in one process with Django's test client (the whole middleware stack, no server, no
network) against the database of ``DATABASE_URL``, optionally with a logged-in session's
cookies (the ``Cookie`` header ``bench/loggedin.py`` prints, or ``--cookie``):

    DATABASE_URL=... .venv/bin/python bench/pageprofile.py --cookie "sessionid=…; csrftoken=…" \
        --repeat 50 /__trivial__ /projects/budget-bench/depot/

For each path: 3 warm-up requests, then ``--repeat`` requests timed (process CPU time and wall
time, median), the SQL queries of one request, then ``--repeat`` more under cProfile; the
profile's ``--top`` functions by own time and by cumulative time are printed (``--sort``).
Run it with the benchmark's settings (DEBUG=false, PAGE_CACHE_SECONDS=0 for rendering).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palabre.settings.base")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--cookie", default="", help="Cookie header (a logged-in session)")
    parser.add_argument("--repeat", type=int, default=30, help="requests timed, and profiled")
    parser.add_argument("--top", type=int, default=25, help="functions listed per profile")
    parser.add_argument("--no-profile", action="store_true", help="timings and SQL only")
    parser.add_argument("--json", action="store_true", help="print PROFILE-JSON, no tables")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    jar = SimpleCookie()
    jar.load(args.cookie)
    for name, morsel in jar.items():
        client.cookies[name] = morsel.value

    results = {}
    for path in args.paths:
        for _ in range(3):
            response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"GET {path} answered {response.status_code}")
        logged_in = response.wsgi_request.user.is_authenticated
        cpu, wall = [], []
        for _ in range(args.repeat):
            c0, w0 = time.process_time(), time.perf_counter()
            client.get(path)
            cpu.append(time.process_time() - c0)
            wall.append(time.perf_counter() - w0)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path)
        result = {
            "logged_in": logged_in,
            "page_cache": response.headers.get("X-Page-Cache", ""),
            "bytes": len(response.content),
            "cpu_ms": round(statistics.median(cpu) * 1000, 2),
            "wall_ms": round(statistics.median(wall) * 1000, 2),
            "queries": len(ctx.captured_queries),
        }
        if not args.no_profile:
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(args.repeat):
                client.get(path)
            profile.disable()
            text = io.StringIO()
            stats = pstats.Stats(profile, stream=text).strip_dirs()
            stats.sort_stats("tottime").print_stats(args.top)
            stats.sort_stats("cumulative").print_stats(args.top)
            result["profile"] = text.getvalue()
        results[path] = result
        if not args.json:
            print(
                f"== {path}: {result['cpu_ms']} ms CPU, {result['wall_ms']} ms wall (median of "
                f"{args.repeat}), {result['queries']} queries, {result['bytes']:,} bytes, "
                f"logged in: {logged_in}, page cache: {result['page_cache'] or '-'}"
            )
            if "profile" in result:
                print(result["profile"])
    if args.json:
        print("PROFILE-JSON " + json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
