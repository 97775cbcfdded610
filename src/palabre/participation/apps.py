from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "palabre.participation"
    label = "participation"
    verbose_name = _("Participation et modération")

    def ready(self):
        from palabre.core import settings_tabs

        from . import registry, signals  # noqa: F401 - publish pending contributions on confirmation
        from .models import Comment

        registry.register(Comment)
        settings_tabs.register("notification_settings", _("Notifications"), 40)
