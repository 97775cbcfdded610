#!/usr/bin/env python
"""Palabre's foundation benchmark: requests per second of the public pages, as ratios.

Seeds a throwaway database (PostgreSQL with durable defaults, or SQLite) with the demo
organisation plus ``--projects`` projects, serves it with granian (WSGI, 2 workers), loads each
page with wrk on 127.0.0.1, and compares every page to a trivial view behind the same middleware
(measured first and last; the mean is the baseline). A public page passes at 0.15 x the trivial
view or better. See bench/README.md.

    make bench                              # PostgreSQL, 1000 projects, 10 s per URL
    make bench BENCH_ARGS="--db sqlite --duration 5"
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent  # the virtualenv's bin/ when run as .venv/bin/python
RESULTS = ROOT / "bench" / "results"
BAR = 0.15
TRIVIAL = "/__trivial__"
BLOCKING_THREADS = 4  # per granian worker, as in the README's production command
PAGES = ["/", "/projects/", "/projects/?page=2", "/projects/{slug}/"]
HOST = "127.0.0.1"

# No proxy, ever: the benchmark talks to 127.0.0.1 only.
HTTP = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def show(cmd: list) -> str:
    """A command line for the log, with inline scripts abridged."""
    parts = [str(c) for c in cmd]
    return " ".join("'<script>'" if "\n" in p else shlex.quote(p) for p in parts)


def run(cmd: list, *, env: dict | None = None, timeout: float = 600, capture=False) -> str:
    say("$ " + show(cmd))
    done = subprocess.run(
        [str(c) for c in cmd],
        env=env,
        cwd=ROOT,
        timeout=timeout,
        check=False,
        text=True,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE if capture else None,
    )
    if done.returncode != 0:
        raise BenchError(f"command failed with status {done.returncode}: {cmd[0]} {cmd[1]}")
    return done.stdout or ""


class BenchError(Exception):
    pass


class Cleanup:
    """Undo actions, run in reverse order, once, whatever happens."""

    def __init__(self) -> None:
        self.actions: list[tuple[str, object]] = []

    def push(self, label: str, action) -> None:
        self.actions.append((label, action))

    def run(self) -> None:
        # A second Ctrl-C or kill waits: every action is bounded in time.
        signals = (signal.SIGINT, signal.SIGTERM)
        previous = {sig: signal.signal(sig, signal.SIG_IGN) for sig in signals}
        try:
            while self.actions:
                label, action = self.actions.pop()
                try:
                    action()
                except Exception as exc:  # noqa: BLE001 - keep cleaning up
                    print(f"[bench] cleanup: {label} failed: {exc}", file=sys.stderr)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


# --- database -----------------------------------------------------------------------------


def start_postgres(cleanup: Cleanup) -> tuple[str, str]:
    run([ROOT / "scripts" / "system-deps", "postgresql"])
    pgdir = tempfile.mkdtemp(prefix="palabre-bench-pg-")
    cleanup.push("stop PostgreSQL", lambda: run([ROOT / "scripts" / "pg-cluster", "stop", pgdir]))
    # Durable defaults: no --fast. Ports can race; try a few.
    for attempt in range(3):
        try:
            out = run(
                [ROOT / "scripts" / "pg-cluster", "start", pgdir, str(free_port())],
                capture=True,
                timeout=120,
            )
            return out.strip().splitlines()[-1], pgdir
        except BenchError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _redis_ping(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def start_redis(cleanup: Cleanup) -> str:
    """A throwaway Redis on 127.0.0.1 (no persistence); returns its URL."""
    run([ROOT / "scripts" / "system-deps", "redis-server"])
    workdir = tempfile.mkdtemp(prefix="palabre-bench-redis-")
    port = free_port()
    proc = subprocess.Popen(
        [
            "redis-server",
            "--bind",
            HOST,
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            workdir,
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )

    def stop() -> None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(workdir, ignore_errors=True)
        say("redis stopped")

    cleanup.push("stop redis", stop)
    deadline = time.monotonic() + 20
    while True:
        if _redis_ping(port):
            say(f"redis on {HOST}:{port}")
            return f"redis://{HOST}:{port}/0"
        if proc.poll() is not None or time.monotonic() > deadline:
            raise BenchError("redis-server did not start")
        time.sleep(0.1)


def prepare(
    cleanup: Cleanup,
    *,
    db: str = "postgres",
    page_cache: bool = True,
    redis: bool = False,
    prefix: str = "palabre-bench-",
) -> tuple[Path, str | None, dict]:
    """A temporary directory, the database (PostgreSQL cluster or SQLite file), Redis if
    asked, and the environment of every command and of the server."""
    if not shutil.which("wrk"):
        raise BenchError("wrk is missing: run `make bench`, or scripts/system-deps wrk")
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    cleanup.push("remove the temporary directory", lambda: shutil.rmtree(tmp, ignore_errors=True))
    if db == "postgres":
        database_url, pgdir = start_postgres(cleanup)
    else:
        database_url, pgdir = f"sqlite:///{tmp / 'bench.sqlite3'}", None
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
    if redis:  # as in production with several processes (README)
        env["REDIS_URL"] = start_redis(cleanup)
    env.update(
        DATABASE_URL=database_url,
        PALABRE_VAR_DIR=str(tmp / "var"),
        DJANGO_SETTINGS_MODULE="palabre.settings.base",
        DEBUG="false",
        SECURE_SSL_REDIRECT="false",
        ALLOWED_HOSTS=HOST,
        SECRET_KEY=secrets.token_urlsafe(50),
        PYTHONUNBUFFERED="1",
        BENCHMARK_TRIVIAL_VIEW="true",  # serves the baseline, /__trivial__ (404 otherwise)
        # A vote benchmark posts hundreds of votes a second per participant: no vote limit,
        # unless BENCH_VOTE_RATE_LIMIT asks for one (e.g. "1000000/m": counted, never
        # reached, to measure what counting costs).
        VOTE_RATE_LIMIT=os.environ.get("BENCH_VOTE_RATE_LIMIT", "0"),
    )
    if not page_cache:
        env["PAGE_CACHE_SECONDS"] = "0"
    say(f"database: {database_url}")
    return tmp, pgdir, env


ANALYZE = """
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
"""

# --- probe: query counts, project slug, versions -------------------------------------------

PROBE = r"""
import json, os, sqlite3
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from palabre.core import selectors
from palabre.core.models import Project, Step

slug = os.environ.get("BENCH_SLUG") or ""
if not slug:
    for project in selectors.project_list(AnonymousUser())[:200]:
        if project.step_count:
            slug = project.slug
            break
if not slug:
    raise SystemExit("no public project with steps: did load_demo run?")
paths = [p.replace("{slug}", slug) for p in json.loads(os.environ["BENCH_PATHS"])]
client = Client(HTTP_HOST="127.0.0.1")
# The organisation, cached by the middleware's first read: not counted below (/healthz no
# longer reads it: it is answered before the middleware).
selectors.organisation_context()
pages = {}
for path in paths:
    with CaptureQueriesContext(connection) as cold:
        client.get(path)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    pages[path] = {
        "status": response.status_code,
        "bytes": len(response.content),
        "queries": len(ctx.captured_queries),
        "queries_cold": len(cold.captured_queries),
        "sql": [q["sql"] for q in cold.captured_queries],
        "page_cache": response.headers.get("X-Page-Cache", ""),
    }
if connection.vendor == "postgresql":
    with connection.cursor() as cursor:
        cursor.execute("show server_version")
        db = "PostgreSQL " + cursor.fetchone()[0]
        cursor.execute("show fsync")
        db += " (fsync " + cursor.fetchone()[0] + ")"
else:
    db = f"{connection.vendor} {sqlite3.sqlite_version}"
print("BENCH-JSON " + json.dumps({
    "slug": slug,
    "pages": pages,
    "db": db,
    "projects": Project.objects.count(),
    "public_projects": selectors.project_list(AnonymousUser()).count(),
    "steps": Step.objects.count(),
    "page_cache_seconds": getattr(settings, "PAGE_CACHE_SECONDS", None),
}))
"""


def probe(env: dict, paths: list[str], slug: str) -> dict:
    probe_env = dict(env, BENCH_PATHS=json.dumps(paths), BENCH_SLUG=slug)
    out = run([sys.executable, "manage.py", "shell", "-c", PROBE], env=probe_env, capture=True)
    for line in out.splitlines():
        if line.startswith("BENCH-JSON "):
            return json.loads(line.removeprefix("BENCH-JSON "))
    raise BenchError("the query-count probe printed no result")


# --- server ---------------------------------------------------------------------------------


def start_granian(
    env: dict,
    port: int,
    workers: int,
    logfile: Path,
    cleanup: Cleanup,
    blocking_threads: int = BLOCKING_THREADS,
) -> tuple[list[str], int]:
    """Start granian in its own session; return its command line and process group."""
    cmd = [
        str(BIN / "granian"),
        "--interface",
        "wsgi",
        "--workers",
        str(workers),
        # Bounded, as in production (README): each thread keeps its own database connection.
        "--blocking-threads",
        str(blocking_threads),
        "--host",
        HOST,
        "--port",
        str(port),
        "--working-dir",
        "src",
        "palabre.wsgi:application",
    ]
    say("$ " + " ".join(cmd) + f"  > {logfile}")
    log = logfile.open("wb")
    proc = subprocess.Popen(
        cmd,
        env=env,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: killed as a whole
    )

    def stop() -> None:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)
        # Workers left behind by a crashed master.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()
        say("granian stopped")

    cleanup.push("stop granian", stop)
    deadline = time.monotonic() + 60
    while True:
        if proc.poll() is not None:
            raise BenchError(f"granian exited ({proc.returncode}):\n{tail(logfile)}")
        try:
            with HTTP.open(f"http://{HOST}:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return cmd, proc.pid
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            raise BenchError(f"granian not healthy after 60 s:\n{tail(logfile)}")
        time.sleep(0.25)


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def check_status(port: int, path: str, headers: dict | None = None, expect: str = "") -> None:
    """GET ``path`` answers 200 (with ``headers``), and its body holds ``expect``."""
    request = urllib.request.Request(f"http://{HOST}:{port}{path}", headers=headers or {})
    body = ""
    try:
        with HTTP.open(request, timeout=30) as response:
            status = response.status
            if expect:
                body = response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        status = exc.code
    if status != 200:
        raise BenchError(f"GET {path} answered {status}, not 200: nothing to measure")
    if expect and expect not in body:
        raise BenchError(f"GET {path}: the page lacks {expect!r} (not the page to measure)")


# --- load -----------------------------------------------------------------------------------


@dataclass
class Load:
    path: str
    rps: float
    requests: int
    p50_ms: float | None
    p99_ms: float | None
    non_2xx: int
    socket_errors: int


UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS_MS[unit]


def parse_wrk(path: str, out: str) -> Load:
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", out, re.M)
    total = re.search(r"^\s*(\d+) requests in", out, re.M)
    if not rps or not total:
        raise BenchError(f"cannot read wrk's output:\n{out}")
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return Load(
        path=path,
        rps=float(rps.group(1)),
        requests=int(total.group(1)),
        p50_ms=_ms(p50.group(1)) if p50 else None,
        p99_ms=_ms(p99.group(1)) if p99 else None,
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(n) for n in errors.groups()) if errors else 0,
    )


def wrk_cmd(args, url: str, duration: float, headers: dict | None = None) -> list[str]:
    return [
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{duration:g}s",
        "--timeout",
        "10s",
        "--latency",
        *[arg for name, value in (headers or {}).items() for arg in ("-H", f"{name}: {value}")],
        url,
    ]


def measure(args, port: int, path: str, headers: dict | None = None) -> Load:
    """wrk on ``path`` (with ``headers`` on every request: a session's ``Cookie``)."""
    url = f"http://{HOST}:{port}{path}"
    if args.warmup > 0:
        subprocess.run(
            wrk_cmd(args, url, args.warmup, headers),
            capture_output=True,
            timeout=args.warmup + 60,
            check=False,
        )
    done = subprocess.run(
        wrk_cmd(args, url, args.duration, headers),
        capture_output=True,
        text=True,
        timeout=args.duration + 60,
        check=False,
    )
    if done.returncode != 0:
        raise BenchError(f"wrk failed on {url}:\n{done.stdout}{done.stderr}")
    load = parse_wrk(path, done.stdout)
    say(
        f"{path:<32} {load.rps:9.1f} req/s  p50 {fmt_ms(load.p50_ms)}  p99 {fmt_ms(load.p99_ms)}"
        + (f"  NON-2xx {load.non_2xx}" if load.non_2xx else "")
        + (f"  socket errors {load.socket_errors}" if load.socket_errors else "")
    )
    return load


def fmt_ms(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:.2f} ms" if value < 100 else f"{value:.0f} ms"


# --- report ---------------------------------------------------------------------------------


def table(rows: list[dict]) -> str:
    lines = [
        "| URL | req/s | × trivial | p50 | p99 | SQL, 1st request | SQL, 2nd | verdict |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        lines.append(
            f"| `{r['label']}` | {r['rps']:.0f} | {r['ratio']:.2f} | {fmt_ms(r['p50'])} "
            f"| {fmt_ms(r['p99'])} | {r['queries_cold']} | {r['queries']} | {r['verdict']} |"
        )
    return "\n".join(lines)


class OtherCpu:
    """CPU time that processes other than the benchmark's own used while it measured.

    The benchmark's own: this process and its children (wrk), granian's process group, and the
    PostgreSQL cluster it started. Read from /proc; ``None`` where there is no /proc.
    """

    def __init__(self, granian_pgid: int, pgdir: str | None) -> None:
        self.granian_pgid = granian_pgid
        self.postmaster = 0
        if pgdir:
            with contextlib.suppress(OSError, ValueError, IndexError):
                pid_file = Path(pgdir) / "data" / "postmaster.pid"
                self.postmaster = int(pid_file.read_text().split()[0])
        self.start = self._snapshot()
        self.started = time.monotonic()

    def _snapshot(self) -> dict[tuple[int, str], tuple[int, int]] | None:
        """(pid, start time) -> (own CPU ticks, ticks of its children it has reaped)."""
        snapshot = {}
        try:
            entries = [e for e in os.listdir("/proc") if e.isdigit()]
        except OSError:
            return None
        me = os.getpid()
        for entry in entries:
            try:
                raw = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            fields = raw[raw.rindex(")") + 2 :].split()
            pid, ppid, pgrp = int(entry), int(fields[1]), int(fields[2])
            if (
                pid == me
                or ppid == me
                or pgrp == self.granian_pgid
                or (self.postmaster and self.postmaster in (pid, ppid))
            ):
                continue
            own = int(fields[11]) + int(fields[12])  # utime + stime
            reaped = int(fields[13]) + int(fields[14])  # cutime + cstime
            snapshot[(pid, fields[19])] = (own, reaped)
        return snapshot

    def share(self) -> float | None:
        """Other processes' CPU time over the CPU time available since the start.

        A process that ended in between adds its whole life to its parent's reaped time:
        what it had used before the start is taken off again.
        """
        end = self._snapshot()
        elapsed = time.monotonic() - self.started
        if self.start is None or end is None or elapsed <= 0:
            return None
        ticks = 0
        for key, (own, reaped) in end.items():
            own0, reaped0 = self.start.get(key, (0, 0))
            ticks += (own - own0) + (reaped - reaped0)
        for key, (own0, reaped0) in self.start.items():
            if key not in end:
                ticks -= own0 + reaped0
        seconds = max(ticks, 0) / os.sysconf("SC_CLK_TCK")
        return seconds / (elapsed * (os.cpu_count() or 1))


def git_revision() -> str:
    try:
        rev = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return rev + (" (with uncommitted changes)" if dirty else "")


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def tool_version(cmd: list[str]) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    text = (out.stdout or out.stderr).strip().splitlines()
    return text[0] if text else "unknown"


def report(args, info: dict, server_cmd: list[str], rows: list[dict], notes: list[str]) -> str:
    wrk_version = tool_version(["wrk", "-v"]).split(" Copyright")[0]
    argv = " ".join(shlex.quote(a) for a in sys.argv[1:])
    server = " ".join(server_cmd[1:])
    seconds = info.get("page_cache_seconds")
    if seconds is None:
        page_cache = "no anonymous page cache"
    elif seconds <= 0:
        page_cache = "anonymous page cache off (PAGE_CACHE_SECONDS=0)"
    else:
        page_cache = f"anonymous page cache on (PAGE_CACHE_SECONDS={seconds})"
    lines = [
        "# Foundation benchmark",
        "",
        f"- date: {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- code: {git_revision()}",
        f"- machine: {os.cpu_count()} CPUs (nproc), {cpu_model()}, "
        f"Linux {platform.release()}, Python {platform.python_version()}",
        f"- database: {info['db']}, throwaway"
        + (" cluster with durable defaults" if args.db == "postgres" else " file")
        + f"; {info['projects']} projects ({info['public_projects']} public), "
        f"{info['steps']} steps",
        f"- server: {tool_version([str(BIN / 'granian'), '--version'])}: `granian {server}`, "
        f"DEBUG=false, cache: local memory, {page_cache}",
        f"- load: {wrk_version}, `wrk -t{args.threads} -c{args.connections} "
        f"-d{args.duration:g}s --latency` after a {args.warmup:g} s warm-up, per URL, "
        "on the same machine",
        f"- command: `make bench{' BENCH_ARGS=' + shlex.quote(argv) if argv else ''}` "
        f"(`.venv/bin/python bench/run.py{' ' + argv if argv else ''}`)",
        f"- bar: every public page at {BAR}× the trivial view's req/s or better; the trivial "
        "view is measured first and last, and their mean is the baseline",
        "",
        table(rows),
        "",
        "SQL: queries of one anonymous request (Django test client, same database, the "
        "organisation already cached): the 1st request renders the page; the 2nd is what the "
        "load mostly gets (0 when the page comes from the anonymous page cache).",
    ]
    if notes:
        lines += ["", *[f"- {note}" for note in notes]]
    return "\n".join(lines) + "\n"


README_SECTIONS = {
    RESULTS / "foundation.md": "latest",
    RESULTS / "foundation-no-page-cache.md": "latest-no-page-cache",
}


def update_readme(marker: str, info: dict, rows: list[dict], notes: list[str]) -> None:
    """Copy the table into bench/README.md, between the ``<!-- marker -->`` comments."""
    readme = ROOT / "bench" / "README.md"
    text = readme.read_text()
    start = re.search(rf"<!-- {marker}(:[^>]*)? -->\n", text)
    end = text.find(f"<!-- /{marker} -->")
    if not start or end < start.end():
        return
    summary = (
        f"{dt.date.today().isoformat()}, {os.cpu_count()} CPUs, {info['db']}, "
        f"{info['projects']} projects:\n\n{table(rows)}\n"
    )
    if notes:
        summary += "\n" + "".join(f"- {note}\n" for note in notes)
    readme.write_text(text[: start.end()] + summary + text[end:])


# --- main -----------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument(
        "--projects", type=int, default=1000, help="bench/foundation_seed.py --projects N"
    )
    parser.add_argument("--duration", type=float, default=10, help="seconds of load per URL")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of warm-up per URL")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    parser.add_argument("--workers", type=int, default=2, help="granian workers")
    parser.add_argument(
        "--slug",
        default="",
        help="the project page to measure (default: "
        "the first public project with steps on the list)",
    )
    parser.add_argument(
        "--path",
        action="append",
        default=[],
        dest="extra",
        help="another public path to measure (repeatable)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        help="results file (default: "
        "bench/results/foundation.md, or foundation-sqlite.md with --db sqlite)",
    )
    parser.add_argument(
        "--no-page-cache",
        action="store_true",
        help="PAGE_CACHE_SECONDS=0: measure rendering, not the anonymous page cache",
    )
    parser.add_argument("--no-write", action="store_true", help="do not write a results file")
    parser.add_argument("--show-sql", action="store_true", help="print each page's SQL")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a page fails the bar")
    args = parser.parse_args(argv)
    if args.duration <= 0 or args.duration > 600:
        parser.error("--duration must be in (0, 600] seconds")
    if args.output is None:
        name = "foundation" + ("-sqlite" if args.db == "sqlite" else "")
        name += "-no-page-cache" if args.no_page_cache else ""
        args.output = RESULTS / f"{name}.md"
    return args


def bench(args, cleanup: Cleanup) -> int:
    tmp, pgdir, env = prepare(cleanup, db=args.db, page_cache=not args.no_page_cache)
    started = time.monotonic()
    run([sys.executable, "manage.py", "migrate", "--no-input", "-v0"], env=env)
    run([sys.executable, "manage.py", "load_demo"], env=env, timeout=1800)
    run(
        [sys.executable, "bench/foundation_seed.py", "--projects", str(args.projects)],
        env=env,
        timeout=1800,
    )
    run([sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"], env=env)
    # Planner statistics, as autovacuum would have them on a live site after a bulk load.
    run([sys.executable, "manage.py", "shell", "-c", ANALYZE], env=env)
    say(f"seeded in {time.monotonic() - started:.0f} s")

    paths = [TRIVIAL, *PAGES, *args.extra]
    info = probe(env, paths, args.slug)
    slug = info["slug"]
    resolved = {p: p.replace("{slug}", slug) for p in paths}
    for path in paths:
        page = info["pages"][resolved[path]]
        if page["status"] != 200:
            raise BenchError(f"GET {resolved[path]} answered {page['status']} in the test client")
        if args.show_sql:
            say(f"SQL of {resolved[path]}, first request ({page['queries_cold']} queries):")
            for sql in page["sql"]:
                print("    " + sql)

    port = free_port()
    server_cmd, granian_pgid = start_granian(env, port, args.workers, tmp / "granian.log", cleanup)
    for path in paths:
        check_status(port, resolved[path])

    say(f"load: {args.duration:g} s per URL, {args.connections} connections")
    other_cpu = OtherCpu(granian_pgid, pgdir)
    first = measure(args, port, TRIVIAL)
    loads = [measure(args, port, resolved[p]) for p in [*PAGES, *args.extra]]
    last = measure(args, port, TRIVIAL)
    baseline = (first.rps + last.rps) / 2

    share = other_cpu.share()
    notes = []
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
    failed = []
    rows = []
    measured = [
        (f"{TRIVIAL} (first)", first, False),
        *[(load.path, load, True) for load in loads],
        (f"{TRIVIAL} (last)", last, False),
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
        rows.append(
            {
                "label": label,
                "rps": load.rps,
                "ratio": ratio,
                "p50": load.p50_ms,
                "p99": load.p99_ms,
                "queries": info["pages"][load.path]["queries"],
                "queries_cold": info["pages"][load.path]["queries_cold"],
                "verdict": verdict,
            }
        )
    if info["pages"][resolved[TRIVIAL]]["queries"]:
        notes.append("the trivial view runs SQL queries: the middleware reaches the database")

    text = report(args, info, server_cmd, rows, notes)
    print()
    print(text)
    if not args.no_write:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        partial = args.output.with_suffix(args.output.suffix + ".tmp")
        partial.write_text(text)
        partial.replace(args.output)
        say(f"results written to {args.output}")
        marker = README_SECTIONS.get(args.output)
        if marker:
            update_readme(marker, info, rows, notes)
    if failed:
        say("below the bar: " + ", ".join(failed))
        return 1 if args.strict else 0
    return 0


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if "--consultation" in argv:  # the consultation benchmark: bench/consultation.py
        import consultation

        return consultation.main([a for a in argv if a != "--consultation"])
    return guarded(bench, parse_args(argv))


def guarded(bench_fn, args) -> int:
    """Run ``bench_fn(args, cleanup)``; clean up whatever happens (Ctrl-C, kill, error)."""

    def terminate(signum, frame):
        raise KeyboardInterrupt

    # Ctrl-C, kill and a closed terminal all clean up; SIGINT too when started in the
    # background by a shell, which would have it ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, terminate)
    signal.signal(signal.SIGHUP, terminate)
    cleanup = Cleanup()
    try:
        return bench_fn(args, cleanup)
    except KeyboardInterrupt:
        print("\n[bench] interrupted", file=sys.stderr)
        return 130
    except (BenchError, subprocess.TimeoutExpired) as exc:
        print(f"[bench] error: {exc}", file=sys.stderr)
        return 2
    finally:
        cleanup.run()


if __name__ == "__main__":
    sys.exit(main())
