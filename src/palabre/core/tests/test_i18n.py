"""French and English ship complete: every UI string has an English translation."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation

LOCALE = Path(__file__).resolve().parents[2] / "locale"


def _entries(po_text):
    entries, current = [], {}
    for line in po_text.splitlines() + [""]:
        if not line.strip():
            if current:
                entries.append(current)
            current = {}
        elif line.startswith("#,"):
            current["flags"] = line
        elif line.startswith(("msgid ", "msgid_plural ", "msgstr")):
            key = line.split(" ", 1)[0]
            current[key] = line.split(" ", 1)[1].strip('"')
            current["_last"] = key
        elif line.startswith('"') and current.get("_last"):
            current[current["_last"]] += line.strip('"')
    return entries


def test_english_catalogue_is_complete():
    po = (LOCALE / "en" / "LC_MESSAGES" / "django.po").read_text()
    entries = [e for e in _entries(po) if e.get("msgid")]
    assert len(entries) > 100
    missing = [e["msgid"] for e in entries if not (e.get("msgstr") or e.get("msgstr[0]"))]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e.get("flags", "")]
    assert not missing, f"untranslated: {missing[:10]}"
    assert not fuzzy, f"fuzzy: {fuzzy[:10]}"
    assert (LOCALE / "en" / "LC_MESSAGES" / "django.mo").stat().st_mtime >= (
        LOCALE / "en" / "LC_MESSAGES" / "django.po"
    ).stat().st_mtime - 1, "run `make messages` to compile the catalogue"


def test_every_string_in_the_code_is_in_the_english_catalogue(tmp_path):
    """Extract the strings of a copy of the code as `make messages` does: none is missing.

    Catches the string added to a template or a view without running `make messages` (the
    committed catalogue would then be complete but stale, and the page half French).
    """
    assert shutil.which("xgettext"), "gettext is needed: scripts/system-deps gettext"
    package = LOCALE.parent
    copy = tmp_path / "palabre"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "en", "--no-location"],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    extracted = _entries((copy / "locale" / "en" / "LC_MESSAGES" / "django.po").read_text())
    committed = {
        e["msgid"] for e in _entries((LOCALE / "en" / "LC_MESSAGES" / "django.po").read_text())
    }
    missing = sorted({e["msgid"] for e in extracted if e.get("msgid")} - committed)
    assert not missing, (
        f"{len(missing)} strings not in the catalogue (make messages): {missing[:8]}"
    )


def test_interface_switches_to_english():
    with translation.override("en"):
        assert translation.gettext("Se déconnecter") == "Log out"


@pytest.mark.django_db
def test_language_follows_cookie_then_organisation_default():
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="fr">' in client.get("/").content.decode()
    client.cookies["django_language"] = "en"
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html and "Projects" in html
