"""The core's manifest: the platform's own settings tabs; nothing else to declare yet."""

from django.utils.translation import gettext_lazy as _

from palabre.core.components import Component, SettingsTab

COMPONENT = Component(
    name="core",
    label=_("Plateforme"),
    global_urls=None,  # the core's pages are in palabre/urls.py
    settings_tabs=(
        SettingsTab(url_name="settings_profile", label=_("Profil"), position=10),
        SettingsTab(url_name="settings_account", label=_("Compte et sécurité"), position=20),
    ),
    # Issue 16 and the privacy work fill these: the account's own row, its action-log rows.
    personal_data=(),
    account_deletion=(),
    datasets=(),
)
