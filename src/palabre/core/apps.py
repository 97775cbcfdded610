from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "palabre.core"
    label = "core"
    verbose_name = _("Plateforme")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate
        from django.urls import register_converter

        from .params import IdConverter

        # <id:pk> in every URLconf: an id beyond the database's key range is a 404.
        register_converter(IdConverter, "id")

        from . import signals  # noqa: F401 - projects cache their steps' dates
        from .cache import create_cache_tables

        # The shared cache's table (rate limits), when no Redis: created by every migrate.
        post_migrate.connect(create_cache_tables, sender=self)
