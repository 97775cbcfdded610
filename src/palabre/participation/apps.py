from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "palabre.participation"
    label = "participation"
    verbose_name = _("Participation et modération")

    def ready(self):
        from . import signals  # noqa: F401 - publish pending contributions on confirmation
