"""French and English ship complete: every UI string has an English translation."""

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
