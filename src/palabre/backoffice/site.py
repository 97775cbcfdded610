"""The organisers' back office: the Django admin, staff only, sorted for organisers."""

import functools

from django.contrib import admin
from django.contrib.admin.options import TO_FIELD_VAR
from django.http import HttpResponseBadRequest
from django.utils.translation import gettext_lazy as _

from palabre.core import permissions


class BackofficeSite(admin.AdminSite):
    site_header = _("Back office")
    site_title = _("Back office")
    index_title = _("Tableau de bord")
    enable_nav_sidebar = False

    def has_permission(self, request):
        return bool(permissions.backoffice_access(request.user))

    def admin_view(self, view, cacheable=False):
        """Django's admin takes an empty ``_to_field`` for a field name and fails (500) on
        the change and delete pages: such a request is refused as a bad one (400)."""
        wrapped = super().admin_view(view, cacheable)

        @functools.wraps(wrapped)
        def inner(request, *args, **kwargs):
            if "" in (request.GET.get(TO_FIELD_VAR), request.POST.get(TO_FIELD_VAR)):
                return HttpResponseBadRequest(_("Paramètre « _to_field » vide."))
            return wrapped(request, *args, **kwargs)

        return inner

    def each_context(self, request):
        context = super().each_context(request)
        from palabre.core.selectors import organisation_context

        context["site_header"] = organisation_context()["organisation"].name
        return context


site = BackofficeSite(name="admin")
