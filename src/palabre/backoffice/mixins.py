"""Admin building blocks: organiser roles and action-logged saves through services."""

from django.contrib import admin

from palabre.core import services


class AdministratorOnly:
    """Visible and editable by administrators only (moderators see moderation only)."""

    def _is_admin(self, request):
        return request.user.is_authenticated and request.user.is_organiser

    def has_module_permission(self, request):
        return self._is_admin(request)

    def has_view_permission(self, request, obj=None):
        return self._is_admin(request)

    def has_add_permission(self, request, *args):
        return self._is_admin(request)

    def has_change_permission(self, request, obj=None):
        return self._is_admin(request)

    def has_delete_permission(self, request, obj=None):
        return self._is_admin(request)


class LoggedAdmin(AdministratorOnly, admin.ModelAdmin):
    """Saves and deletions go through ``core.services`` and write an action-log row."""

    def save_model(self, request, obj, form, change):
        changes = {name: form.cleaned_data.get(name) for name in form.changed_data}
        changes = {k: v for k, v in changes.items() if not hasattr(v, "read")}
        services.content_save(
            actor=request.user,
            obj=obj,
            created=not change,
            changes=changes,
            save=lambda: super(LoggedAdmin, self).save_model(request, obj, form, change),
        )

    def delete_model(self, request, obj):
        services.content_delete(actor=request.user, obj=obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            services.content_delete(actor=request.user, obj=obj)

    def save_formset(self, request, form, formset, change):
        """Inline rows (e.g. a project's steps) are logged one by one."""
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            services.content_delete(actor=request.user, obj=obj)
        for obj in instances:
            services.content_save(actor=request.user, obj=obj, created=obj.pk is None, changes={})
        formset.save_m2m()
