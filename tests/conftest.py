"""Fixtures shared by the cross-cutting tests: the system Chromium driven by Playwright.

The browser is started once per session (per xdist worker); every test gets a fresh browser
context, so cookies, storage and the language choice never leak from one test to the next.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

# Playwright's sync API runs an event loop in the main thread; Django refuses ORM calls from a
# thread with a running loop unless told otherwise. Must be set before anything starts.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest  # noqa: E402

CHROMIUM = os.environ.get("PALABRE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS_DIR = ROOT / "test-artifacts"
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 390, "height": 844}


def screenshot(page, name: str, *, full_page: bool = True) -> Path:
    """Save a PNG of ``page`` under ``test-artifacts/`` and return its path."""
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "page"
    path = ARTIFACTS_DIR / f"{safe}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Expose each phase's report on the item, so fixtures can tell a failed test."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(autouse=True)
def _clear_cache():
    """Lockouts, rate limits and the cached organisation live in the cache: start clean."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


@pytest.fixture(scope="session")
def _playwright():
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    yield pw
    pw.stop()


@pytest.fixture(scope="session")
def browser(_playwright):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (scripts/system-deps chromium)")
    browser = _playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def new_page(request, browser, live_server):
    """Factory: ``new_page(language="en", viewport=MOBILE)`` opens a page in a fresh context.

    ``language`` sets the ``django_language`` cookie (the header switcher's effect). Every page
    opened is screenshotted into ``test-artifacts/`` when the test fails.
    """
    from django.conf import settings

    contexts = []

    def make(*, language: str | None = None, viewport: dict | None = None):
        context = browser.new_context(
            base_url=live_server.url,
            locale="fr-FR",
            viewport=viewport or DESKTOP,
        )
        context.set_default_timeout(10_000)
        if language:
            context.add_cookies(
                [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
            )
        contexts.append(context)
        return context.new_page()

    yield make

    report = getattr(request.node, "rep_call", None)
    failed = report is None or report.failed
    for index, context in enumerate(contexts):
        if failed:
            for number, page in enumerate(context.pages):
                # A screenshot that fails must not hide the test's own failure.
                with contextlib.suppress(Exception):
                    screenshot(page, f"FAILED-{request.node.name}-{index}-{number}")
        context.close()


@pytest.fixture
def page(new_page):
    """A page in a fresh French browser context, against the live server."""
    return new_page()


@pytest.fixture
def log_in(live_server):
    """``log_in(page, user)``: put an authenticated session cookie into the page's context."""
    from django.conf import settings
    from django.test import Client

    def do(page, user):
        client = Client()
        client.force_login(user, backend="palabre.core.auth_backends.AuthenticationBackend")
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
        )

    return do


@pytest.fixture
def settings_in_process():
    """``settings_in_process(env, expression)``: ``expression`` (Python over ``settings``)
    evaluated, as JSON, on the settings a fresh process builds from the environment ``env``
    (what an operator's environment variables give, without this process's test settings).
    A process that fails raises ``subprocess.CalledProcessError`` (its ``stderr`` says why)."""

    def read(env: dict, expression: str):
        code = f"import json; from django.conf import settings; print(json.dumps({expression}))"
        out = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout
        return json.loads(out)

    return read


@dataclass
class RedisServer:
    url: str
    process: subprocess.Popen

    def stop(self) -> None:
        """Freeze the server (SIGSTOP): it keeps its connections and answers nothing."""
        self.process.send_signal(signal.SIGSTOP)

    def cont(self) -> None:
        self.process.send_signal(signal.SIGCONT)


@pytest.fixture
def redis_server(tmp_path):
    """Factory: ``redis_server()`` starts a throwaway redis-server of this test's own, on a
    port of 127.0.0.1 free when it starts, and returns its ``url`` and ``process``; every
    server started is ended with the test (continued first if it was stopped)."""
    import shutil
    import socket

    import redis

    if not shutil.which("redis-server"):
        pytest.skip("no redis-server (scripts/system-deps redis)")
    servers = []

    def start() -> RedisServer:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))  # the system picks a free port
            port = probe.getsockname()[1]
        directory = tmp_path / f"redis-{port}"
        directory.mkdir()
        proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        servers.append(proc)
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, "redis did not start"
                time.sleep(0.05)
        url = f"redis://127.0.0.1:{port}/0"
        # Ours, not a server that took the port in between.
        assert redis.Redis.from_url(url).info("server")["process_id"] == proc.pid
        return RedisServer(url=url, process=proc)

    try:
        yield start
    finally:
        for proc in servers:
            if proc.poll() is None:
                proc.send_signal(signal.SIGCONT)
                proc.terminate()
                proc.wait(timeout=10)
