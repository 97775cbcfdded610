"""What the step-page benchmarks share (bench/collect.py, bench/consultation.py).

Each seeds its own data, then hands its pages to ``measure_pages``: the SQL of two fresh
anonymous requests per page (Django test client, same database), then granian and wrk with the
trivial view measured first and last, a verdict per page against the bar, the report written to
``args.output`` and, for the default output, its table copied into bench/README.md.

With ``login`` (``--logged-in``, bench/loggedin.py), every request of the probe and of wrk,
the trivial view's included, carries the participant's session and CSRF cookies.
"""

from __future__ import annotations

import datetime as dt
import json
import os

import run as foundation  # bench/run.py: servers, load, parsing
from run import (
    BAR,
    ROOT,
    TRIVIAL,
    BenchError,
    Cleanup,
    OtherCpu,
    check_status,
    fmt_ms,
    free_port,
    measure,
    say,
    start_granian,
)

# Query counts: each request from a fresh client (no cookie, as wrk; or the participant's
# cookies, BENCH_COOKIES), after one request that warms the organisation cache; the second
# request is what the load mostly gets.
PROBE = r"""
import json, os, sqlite3
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from palabre.core.selectors import organisation_context

organisation_context()  # warmed as the middleware's first read does (/healthz reads nothing)
cookies = json.loads(os.environ.get("BENCH_COOKIES") or "{}")
pages = {}
for path in json.loads(os.environ["BENCH_PATHS"]):
    runs = []
    for _ in range(2):
        client = Client(HTTP_HOST="127.0.0.1")
        for name, value in cookies.items():
            client.cookies[name] = value
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
        "logged_in": second.wsgi_request.user.is_authenticated,
        "page_cache": second.headers.get("X-Page-Cache", ""),
        "html": second.headers.get("Content-Type", "").startswith("text/html"),
    }
if connection.vendor == "postgresql":
    with connection.cursor() as cursor:
        cursor.execute("show server_version")
        db = "PostgreSQL " + cursor.fetchone()[0]
        cursor.execute("show fsync")
        db += " (fsync " + cursor.fetchone()[0] + ")"
else:
    db = f"{connection.vendor} {sqlite3.sqlite_version}"
print("BENCH-JSON " + json.dumps({"pages": pages, "db": db, "logout": reverse("account_logout")}))
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


def measure_pages(
    args,
    cleanup: Cleanup,
    *,
    env,
    tmp,
    pgdir,
    py,
    pages,
    report,
    default_output,
    readme_marker,
    readme_head,
    login: dict | None = None,
) -> int:
    """Measure ``pages`` ([(label, path)]); ``report(info, server_cmd, rows, notes) -> str``
    writes the results file, ``readme_head(info) -> str`` heads the README's table.
    ``login`` (bench/loggedin.py): the participant's cookies go with every request."""
    paths = [TRIVIAL, *[path for _label, path in pages]]
    cookies = login["cookies"] if login else {}
    out = foundation.run(
        [py, "manage.py", "shell", "-c", PROBE],
        env=dict(env, BENCH_PATHS=json.dumps(paths), BENCH_COOKIES=json.dumps(cookies)),
        capture=True,
    )
    info = json_line(out, "BENCH-JSON ")
    for path in paths:
        page = info["pages"][path]
        if page["status"] != 200:
            raise BenchError(f"GET {path} answered {page['status']} in the test client")
        if login and path != TRIVIAL:
            # Logged in (the session is valid for this server), and rendered, never cached:
            # pagecache._cacheable refuses an authenticated visitor.
            if not page["logged_in"]:
                raise BenchError(f"GET {path}: the participant's session does not log in")
            if page["page_cache"]:
                raise BenchError(f"GET {path}: a logged-in page came from the page cache")
        if args.show_sql:
            say(f"SQL of {path}, 2nd request ({page['queries']} queries):")
            for sql, ms in zip(page["sql"], page["ms"], strict=True):
                print(f"    [{ms} ms] {sql}")

    port = free_port()
    server_cmd, granian_pgid = start_granian(env, port, args.workers, tmp / "granian.log", cleanup)
    headers = {"Cookie": login["cookie"]} if login else None
    for path in paths:
        # Logged in, each HTML page must show the logout form (the server reads the session).
        html = info["pages"][path]["html"]
        check_status(port, path, headers, expect=info["logout"] if login and html else "")

    load_before = loadavg()
    say(f"load average (1/5/15 min) before measuring: {load_before}")
    say(f"load: {args.duration:g} s per URL, {args.connections} connections")
    other_cpu = OtherCpu(granian_pgid, pgdir)
    first = measure(args, port, TRIVIAL, headers)
    loads = [(label, measure(args, port, path, headers)) for label, path in pages]
    last = measure(args, port, TRIVIAL, headers)
    load_after = loadavg()
    baseline = (first.rps + last.rps) / 2

    notes = [f"load average (1/5/15 min): {load_before} before measuring, {load_after} after"]
    if login:
        trivial = info["pages"][TRIVIAL]
        notes.append(
            f"logged in as {login['user']} (seeded: "
            + ", ".join(f"{n} {what}" for what, n in login["seeded"].items())
            + "); every request, the trivial view's too, sends the session and CSRF cookies; "
            + (
                "the trivial view runs no SQL with them (it reads neither the session nor the "
                "user, both loaded lazily): each page's ratio includes loading both"
                if not trivial["queries"]
                else f"the trivial view runs {trivial['queries']} SQL queries with them"
            )
        )
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

    text = report(info, server_cmd, rows, notes)
    print()
    print(text)
    if not args.no_write:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        partial = args.output.with_suffix(args.output.suffix + ".tmp")
        partial.write_text(text)
        partial.replace(args.output)
        say(f"results written to {args.output}")
        if args.output == default_output:
            update_readme(readme_marker, args.output.name, f"{readme_head(info)}:", rows, notes)
    if failed:
        say("below the bar: " + ", ".join(failed))
        return 1 if args.strict else 0
    return 0


def update_readme(marker: str, results_name: str, head: str, rows, notes) -> None:
    """Copy the table into bench/README.md, between the ``<!-- {marker} -->`` marks."""
    readme = ROOT / "bench" / "README.md"
    text = readme.read_text()
    start_mark = f"<!-- {marker}: from results/{results_name} -->\n"
    start = text.find(start_mark)
    end = text.find(f"<!-- /{marker} -->")
    if start < 0 or end < start:
        return
    summary = f"{dt.date.today().isoformat()}, {os.cpu_count()} CPUs, {head}\n\n{table(rows)}\n"
    if notes:
        summary += "\n" + "".join(f"- {note}\n" for note in notes)
    readme.write_text(text[: start + len(start_mark)] + summary + text[end:])
