from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "palabre.participation"
    label = "participation"
    verbose_name = _("Participation et modération")

    def ready(self):
        from . import signals  # publish pending contributions on confirmation

        # Reads every installed component's manifest (the first use imports them all).
        signals.watch_deletions()
