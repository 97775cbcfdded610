from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollectConfig(AppConfig):
    name = "palabre.components.collect"
    label = "collect"
    verbose_name = _("Dépôt de propositions")
