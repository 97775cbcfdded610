from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SelectionConfig(AppConfig):
    name = "palabre.components.selection"
    label = "selection"
    verbose_name = _("Vote sur des propositions")
