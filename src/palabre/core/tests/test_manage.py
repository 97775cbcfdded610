"""Management commands run without the web requests' statement timeout (unless asked)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[4]
PG = "postgres://palabre@db.example.org:5432/palabre"
SHOW = (
    "from django.conf import settings; "
    "print(settings.DATABASES['default']['OPTIONS'].get('options', ''))"
)


def _options_seen_by_manage_py(**environ) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "DJANGO_"))}
    env.update(SECRET_KEY="x" * 50, DATABASE_URL=PG, **environ)
    out = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "--no-imports", "-c", SHOW],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    return out.strip()


@pytest.mark.parametrize(
    ("environ", "expected"),
    [({}, ""), ({"DATABASE_STATEMENT_TIMEOUT": "120"}, "-c statement_timeout=120000")],
    ids=["default-none", "operator-set"],
)
def test_manage_py_has_no_statement_timeout_unless_set(environ, expected):
    assert _options_seen_by_manage_py(**environ) == expected
