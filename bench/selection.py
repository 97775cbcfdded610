#!/usr/bin/env python
"""Palabre's vote benchmark: real HTTP vote requests, exact under load.

A throwaway PostgreSQL cluster with durable defaults, granian (WSGI, 2 workers), and wrk with a
Lua script (bench/selection.lua) as 64 concurrent clients on 127.0.0.1. The clients share
``--participants`` logged-in sessions (created up front), so several clients vote for the same
participant at the same instant, as two browsers of one person would: each request votes for a
random proposal while the participant's ballot has room, else takes one vote back, with htmx's
headers (the answer is the fragment the page swaps). One run per vote rule: simple with a limit
of 5 votes, budget (limit 5, 1,000,000 €, costs up to 400,000 €), ranked (N = 5).

After each run, the invariants are checked on the database: no ballot over its limit or
budget, ranks 1..n, one vote per proposal and ballot, every cached count equal to its rows
(``counters_recompute(fix=False)``). Printed: votes per second, p50 and p99 latency, the number
of invariant violations (must be 0). Target: 500 votes per second.

    .venv/bin/python bench/selection.py                 # 3 × 15 s
    .venv/bin/python bench/selection.py --duration 5 --rules budget
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import secrets
import string
import sys
from pathlib import Path

import run as foundation  # bench/run.py: servers, cleanup, helpers
from run import (
    BIN,
    HOST,
    ROOT,
    TRIVIAL,
    Cleanup,
    cpu_model,
    fmt_ms,
    free_port,
    git_revision,
    parse_wrk,
    say,
    start_granian,
    tool_version,
)
from steppages import json_line, loadavg

RESULTS = ROOT / "bench" / "results"
LUA = ROOT / "bench" / "selection.lua"
TARGET = 500.0
RULES = {
    "simple": {"vote_type": "simple", "votes_max": 5},
    "budget": {"vote_type": "budget", "votes_max": 5, "budget": 1_000_000},
    "ranked": {"vote_type": "ranked", "votes_max": 5},
}

SEED = r"""
import json, os, random
from datetime import timedelta
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from importlib import import_module
SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
from django.utils import timezone
from palabre.components.collect.models import Collect, Proposal
from palabre.components.selection.models import Selection
from palabre.core.models import Organisation, Project, Step, User

rng = random.Random(42)
now = timezone.now()
Organisation.load()
rules = json.loads(os.environ["BENCH_RULES"])
n_proposals = int(os.environ["BENCH_PROPOSALS"])
n_users = int(os.environ["BENCH_PARTICIPANTS"])
project = Project.objects.create(
    title="Budget participatif (banc d'essai)", slug="bench-vote",
    visibility=Project.Visibility.PUBLIC, published_at=now - timedelta(days=30),
)
out = {"steps": {}, "sessions": [], "proposals": {}}
for position, (name, rule) in enumerate(rules.items()):
    collect_step = Step.objects.create(
        project=project, position=2 * position, title=f"Dépôt {name}", slug=f"depot-{name}",
        kind="collect", starts_at=now - timedelta(days=30), ends_at=now - timedelta(days=10),
    )
    collect = Collect.objects.create(step=collect_step, reference_prefix="BP")
    ids = []
    for i in range(1, n_proposals + 1):
        ids.append(Proposal.objects.create(
            collect=collect, number=i, reference=f"BP-2026-{i:04d}", title=f"Projet {i}",
            cost=rng.randint(10_000, 400_000), published=True, published_at=now,
        ).pk)
    step = Step.objects.create(
        project=project, position=2 * position + 1, title=f"Vote {name}", slug=f"vote-{name}",
        kind="selection", starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=10),
    )
    Selection.objects.create(step=step, collect=collect, **rule)
    out["steps"][name] = f"/projects/{project.slug}/{step.slug}/"
    out["proposals"][name] = ids
for i in range(n_users):
    user = User.objects.create_user(
        username=f"votant{i}", email=f"votant{i}@example.org", password=None
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "palabre.core.auth_backends.AuthenticationBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    out["sessions"].append(session.session_key)
out["session_cookie"] = settings.SESSION_COOKIE_NAME
out["csrf_cookie"] = settings.CSRF_COOKIE_NAME
print("SEED-JSON " + json.dumps(out))
"""

# After a warm-up: the ballots emptied, so that the measured run starts as the clients think
# (each wrk run starts with empty ballots in its Lua state).
RESET = r"""
import os
from palabre.components.selection.models import Ballot, SelectionProposal, Vote
slug = os.environ["BENCH_STEP"]
Vote.objects.filter(ballot__selection__step__slug=slug).delete()
Ballot.objects.filter(selection__step__slug=slug).delete()
SelectionProposal.objects.filter(selection__step__slug=slug).update(votes_count=0, points=0)
"""

CHECK = r"""
import json
from collections import Counter
from palabre.components.selection import services
from palabre.components.selection.models import Ballot, Selection, SelectionProposal, Vote

report = {}
for selection in Selection.objects.select_related("step"):
    violations = []
    for ballot in Ballot.objects.filter(selection=selection):
        votes = list(Vote.objects.filter(ballot=ballot))
        if ballot.votes_count != len(votes):
            violations.append(f"ballot {ballot.pk}: {ballot.votes_count} cached, {len(votes)} rows")
        if len({v.proposal_id for v in votes}) != len(votes):
            violations.append(f"ballot {ballot.pk}: a proposal twice")
        if selection.votes_max is not None and len(votes) > selection.votes_max:
            violations.append(f"ballot {ballot.pk}: {len(votes)} votes > {selection.votes_max}")
        spent = sum(v.cost for v in votes)
        if spent != ballot.spent or (selection.is_budget and spent > selection.budget):
            violations.append(f"ballot {ballot.pk}: spent {spent} (cached {ballot.spent})")
        if selection.is_ranked and sorted(v.rank for v in votes) != list(range(1, len(votes) + 1)):
            violations.append(f"ballot {ballot.pk}: ranks {sorted(v.rank for v in votes)}")
    counted = Counter(
        Vote.objects.filter(ballot__selection=selection, ballot__counted=True)
        .values_list("proposal_id", flat=True)
    )
    for entry in SelectionProposal.objects.filter(selection=selection):
        if entry.votes_count != counted.get(entry.proposal_id, 0):
            violations.append(f"proposal {entry.proposal_id}: {entry.votes_count} cached")
    report[selection.step.slug] = {
        "violations": violations[:20],
        "violation_count": len(violations),
        "votes": Vote.objects.filter(ballot__selection=selection).count(),
        "ballots": Ballot.objects.filter(selection=selection).count(),
    }
drifts = services.counters_recompute(fix=False)
summary = {"steps": report, "drifts": drifts[:20], "drift_count": len(drifts)}
print("CHECK-JSON " + json.dumps(summary))
"""


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=15, help="seconds of load per rule")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of warm-up per rule")
    parser.add_argument("--connections", type=int, default=64, help="concurrent clients")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="granian workers")
    parser.add_argument(
        "--blocking-threads", type=int, default=None, help="granian threads per worker"
    )
    parser.add_argument("--participants", type=int, default=32, help="logged-in sessions")
    parser.add_argument("--proposals", type=int, default=60, help="proposals per step")
    parser.add_argument("--rules", default="simple,budget,ranked", help="comma-separated")
    parser.add_argument("--no-htmx", action="store_true", help="plain form posts (302)")
    parser.add_argument(
        "--no-redis", action="store_true", help="no Redis (sessions from the database)"
    )
    parser.add_argument("--output", type=Path, default=RESULTS / "selection.md")
    parser.add_argument("--no-write", action="store_true", help="do not write a results file")
    args = parser.parse_args(argv)
    args.rules = [r for r in args.rules.split(",") if r]
    unknown = set(args.rules) - set(RULES)
    if unknown:
        parser.error(f"unknown rules: {', '.join(sorted(unknown))}")
    if not 0 < args.duration <= 600:
        parser.error("--duration must be in (0, 600] seconds")
    return args


CSRF_CHARS = string.ascii_letters + string.digits


def masked_csrf_token(secret: str) -> str:
    """A form's CSRF token for ``secret``, masked as Django masks the tokens it renders."""
    mask = "".join(secrets.choice(CSRF_CHARS) for _ in secret)
    pairs = zip(
        (CSRF_CHARS.index(c) for c in secret), (CSRF_CHARS.index(c) for c in mask), strict=True
    )
    return mask + "".join(CSRF_CHARS[(x + y) % len(CSRF_CHARS)] for x, y in pairs)


def wrk(args, port: int, seed: dict, rule: str, duration: float, tmp: Path) -> tuple:
    csrf = "".join(secrets.choice(CSRF_CHARS) for _ in range(32))
    config = {
        "path": seed["steps"][rule],
        "proposals": seed["proposals"][rule],
        "sessions": seed["sessions"],
        "session_cookie": seed["session_cookie"],
        "csrf_cookie": seed["csrf_cookie"],
        "csrf": csrf,  # 32 characters: the CSRF secret, in the cookie
        "csrf_token": masked_csrf_token(csrf),  # in the form, as the page's forms send it
        "limit": RULES[rule]["votes_max"],
        "htmx": not args.no_htmx,
    }
    config["threads"] = args.threads
    config_file = tmp / f"wrk-{rule}.lua"
    config_file.write_text("return " + lua(config) + "\n")
    cmd = [
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{duration:g}s",
        "--timeout",
        "10s",
        "--latency",
        "-s",
        str(LUA),
        f"http://{HOST}:{port}{config['path']}",
    ]
    out = foundation.run(cmd, env=dict(os.environ, BENCH_WRK_CONFIG=str(config_file)), capture=True)
    return parse_wrk(config["path"], out), out


def lua(value) -> str:
    """A Lua literal of ``value`` (dicts, lists, strings, numbers, booleans)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a valid Lua string here (ASCII)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {lua(v)}" for k, v in value.items()) + "}"
    return "{" + ", ".join(lua(v) for v in value) + "}"


def accepted_rate(counts: dict, rps: float) -> str:
    """Accepted votes per second: wrk's rate times the accepted share of the answers."""
    accepted = counts.get("accepted")
    answered = (accepted or 0) + counts.get("refused", 0)
    return "?" if accepted is None or not answered else f"{rps * accepted / answered:.0f}"


def counts_line(out: str) -> dict:
    for line in out.splitlines():
        if line.startswith("BENCH-COUNTS "):
            return json.loads(line.removeprefix("BENCH-COUNTS "))
    return {}


def bench(args, cleanup: Cleanup) -> int:
    tmp, pgdir, env = foundation.prepare(
        cleanup, redis=not args.no_redis, prefix="palabre-bench-vote-"
    )
    py = sys.executable
    foundation.run([py, "manage.py", "migrate", "--no-input", "-v0"], env=env)
    rules = {name: RULES[name] for name in args.rules}
    out = foundation.run(
        [py, "manage.py", "shell", "-c", SEED],
        env=dict(
            env,
            BENCH_RULES=json.dumps(rules),
            BENCH_PROPOSALS=str(args.proposals),
            BENCH_PARTICIPANTS=str(args.participants),
        ),
        capture=True,
    )
    seed = json_line(out, "SEED-JSON ")
    foundation.run([py, "manage.py", "collectstatic", "--no-input", "-v0"], env=env)
    port = free_port()
    server_cmd, pgid = start_granian(
        env,
        port,
        args.workers,
        tmp / "granian.log",
        cleanup,
        blocking_threads=args.blocking_threads or foundation.BLOCKING_THREADS,
    )

    load_before = loadavg()
    other_cpu = foundation.OtherCpu(pgid, pgdir)
    trivial_first = foundation.measure(args, port, TRIVIAL)
    rows = []
    for rule in args.rules:
        if args.warmup:
            wrk(args, port, seed, rule, args.warmup, tmp)
            foundation.run(
                [py, "manage.py", "shell", "-c", RESET],
                env=dict(env, BENCH_STEP=seed["steps"][rule].rstrip("/").rsplit("/", 1)[-1]),
            )
        load, out = wrk(args, port, seed, rule, args.duration, tmp)
        rows.append((rule, load, counts_line(out)))
        say(f"{rule}: {load.rps:.0f} votes/s, p50 {fmt_ms(load.p50_ms)}, p99 {fmt_ms(load.p99_ms)}")
    trivial_last = foundation.measure(args, port, TRIVIAL)
    other_share = other_cpu.share()
    trivial = (trivial_first.rps + trivial_last.rps) / 2
    check = json_line(
        foundation.run([py, "manage.py", "shell", "-c", CHECK], env=env, capture=True),
        "CHECK-JSON ",
    )
    violations = check["drift_count"] + sum(s["violation_count"] for s in check["steps"].values())

    lines = [
        "# Vote benchmark",
        "",
        f"- date: {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- code: {git_revision()}",
        f"- machine: {os.cpu_count()} CPUs, {cpu_model()}, Linux {platform.release()}, "
        f"Python {platform.python_version()}; server, database and load generator share it",
        "- database: PostgreSQL, throwaway cluster with durable defaults (fsync on)"
        + ("" if args.no_redis else "; Redis (cache and sessions, `REDIS_URL`) on 127.0.0.1"),
        f"- server: {tool_version([str(BIN / 'granian'), '--version'])}: "
        f"`granian {' '.join(server_cmd[1:])}`, DEBUG=false",
        f"- load: {tool_version(['wrk', '-v']).split(' Copyright')[0]}, "
        f"`wrk -t{args.threads} -c{args.connections} -d{args.duration:g}s -s bench/selection.lua`"
        f" after a {args.warmup:g} s warm-up per rule; {args.participants} logged-in "
        f"participants shared by the {args.connections} clients, {args.proposals} proposals per "
        f"step; {'plain form posts (302)' if args.no_htmx else 'htmx posts (fragment, 200)'}",
        f"- target: {TARGET:.0f} votes/s; invariant violations must be 0. A vote is one vote "
        "request, a vote cast or taken back, whether the rules accept or refuse it (a refusal "
        "takes the same lock and reads, then rolls back); *accepted/s* counts only those "
        "accepted",
        "",
        "| rule | votes/s | requests | p50 | p99 | accepted | accepted/s | refused | "
        "non-2xx/3xx | verdict |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    failed = violations > 0
    for rule, load, counts in rows:
        ok = load.rps >= TARGET and not load.non_2xx
        failed |= not ok
        lines.append(
            f"| {rule} | {load.rps:.0f} | {load.requests} | {fmt_ms(load.p50_ms)} | "
            f"{fmt_ms(load.p99_ms)} | {counts.get('accepted', '?')} | "
            f"{accepted_rate(counts, load.rps)} | "
            f"{counts.get('refused', '?')} | {load.non_2xx} | {'PASS' if ok else 'FAIL'} |"
        )
    lines += [
        "",
        f"Trivial view (same server, middleware and connections, GET, measured first and "
        f"last): {trivial:.0f} req/s; the vote requests run at "
        + ", ".join(f"{r} {load.rps / trivial:.2f}×" for r, load, _ in rows if trivial)
        + f" of it. Load average (1/5/15 min) before: {load_before}, after: {loadavg()}."
        + (
            f" Other processes used {other_share:.0%} of the machine's CPU time while it was "
            "measured" + (": the figures are disturbed." if other_share > 0.05 else ".")
            if other_share is not None
            else ""
        ),
        "",
        f"Invariant violations after the runs: **{violations}** "
        f"(cached-count drifts: {check['drift_count']}).",
        "",
        *(
            f"- {slug}: {s['ballots']} ballots, {s['votes']} votes standing, "
            f"{s['violation_count']} violations"
            for slug, s in check["steps"].items()
        ),
    ]
    for slug, s in check["steps"].items():
        lines += [f"    - {slug}: {v}" for v in s["violations"]]
    lines += [f"    - drift: {d}" for d in check["drifts"]]
    text = "\n".join(lines) + "\n"
    print()
    print(text)
    print(f"votes/s: {', '.join(f'{r} {load.rps:.0f}' for r, load, _ in rows)}")
    print(f"invariant violations: {violations}")
    if not args.no_write:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text)
        say(f"results written to {args.output}")
    return 1 if failed else 0


def main(argv=None) -> int:
    return foundation.guarded(bench, parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
