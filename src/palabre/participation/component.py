"""Participation's manifest: comments are its contribution; notifications have their tab."""

from django.utils.translation import gettext_lazy as _

from palabre.core.components import Component, SettingsTab

from .models import Comment

COMPONENT = Component(
    name="participation",
    label=_("Participation et modération"),
    settings_tabs=(
        SettingsTab(url_name="notification_settings", label=_("Notifications"), position=40),
    ),
    # A comment is moderated and published like any contribution (one may not comment on a
    # comment: ``targets.is_target``).
    contributions=(Comment,),
    personal_data=(),
    account_deletion=(),
    datasets=(),
)
