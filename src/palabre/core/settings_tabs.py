"""Tabs of the participant's settings area. Later apps add theirs with ``register``."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Tab:
    url_name: str
    label: str | Promise
    position: int


_tabs: dict[str, Tab] = {}


def register(url_name: str, label, position: int) -> None:
    _tabs[url_name] = Tab(url_name, label, position)


def tabs() -> list[Tab]:
    return sorted(_tabs.values(), key=lambda t: t.position)


register("settings_profile", _("Profil"), 10)
register("settings_account", _("Compte et sécurité"), 20)
