"""Admin building blocks: organiser roles and action-logged saves through services."""

from django.contrib import admin
from django.utils.text import capfirst

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


def related_filter(*related: str, label=str) -> type[admin.RelatedFieldListFilter]:
    """A list filter on a foreign key whose choices name more than their own row.

    Django's ``RelatedFieldListFilter`` prints ``str()`` of each related row, one query for the
    rows and, when ``__str__`` reads a relation (a step names its project), one more per row.
    This one selects ``related`` with the rows (one query) and prints ``label(row)``:
    ``list_filter = [("collect", related_filter("step__project"))]``.
    """

    class Filter(admin.RelatedFieldListFilter):
        def field_choices(self, field, request, model_admin):
            ordering = self.field_admin_ordering(field, request, model_admin)
            # ``_default_manager`` is Django's documented way to reach a model's manager.
            rows = field.related_model._default_manager.select_related(*related)
            if ordering:
                rows = rows.order_by(*ordering)
            return [(row.pk, label(row)) for row in rows]

    return Filter


class LabelledTabularInline(admin.TabularInline):
    """A tabular inline whose inputs are labelled (axe: label).

    Django's tabular rows print each field's label once, as a column header, and leave the
    row's inputs without one; each input here also carries its label as ``aria-label``.
    """

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)

        class LabelledFormSet(formset):
            def add_fields(self, form, index):
                super().add_fields(form, index)
                for field in form.fields.values():
                    if field.label and not field.widget.is_hidden:
                        field.widget.attrs.setdefault("aria-label", capfirst(field.label))

        return LabelledFormSet
