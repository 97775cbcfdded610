"""The organisers' back office: the Django admin, staff only, sorted for organisers."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from palabre.core import permissions


class BackofficeSite(admin.AdminSite):
    site_header = _("Back office")
    site_title = _("Back office")
    index_title = _("Tableau de bord")
    enable_nav_sidebar = False

    def has_permission(self, request):
        return bool(permissions.backoffice_access(request.user))

    def each_context(self, request):
        context = super().each_context(request)
        from palabre.core.selectors import organisation_context

        context["site_header"] = organisation_context()["organisation"].name
        return context


site = BackofficeSite(name="admin")
