"""Admin building blocks: organiser roles and action-logged saves through services."""

from __future__ import annotations

import json

from django.contrib import admin
from django.contrib.admin import helpers
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

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


# Django's admin titles its pages « Ajout de étape », « Modification de étape », « Sélectionnez
# l'objet étape à changer »: French needs the article of each model's name. A ModelAdmin that
# declares ``gender`` ("m", "f", or "mf" for an inclusive name such as « utilisateur·rice »)
# gets « Ajouter une étape », « Modifier l'étape », « Choisir une étape à modifier » (English:
# « Add step », « Change step », « Select step to change »). One sentence, one msgid.
_ADD = {
    "m": _("Ajouter un %(name)s"),
    "f": _("Ajouter une %(name)s"),
    "mf": _("Ajouter un·e %(name)s"),
}
_CHANGE = {
    "m": _("Modifier le %(name)s"),
    "f": _("Modifier la %(name)s"),
    "mf": _("Modifier le ou la %(name)s"),
    "elided": _("Modifier l'%(name)s"),
}
_VIEW = {
    "m": _("Voir le %(name)s"),
    "f": _("Voir la %(name)s"),
    "mf": _("Voir le ou la %(name)s"),
    "elided": _("Voir l'%(name)s"),
}
_CHOOSE_TO_CHANGE = {
    "m": _("Choisir un %(name)s à modifier"),
    "f": _("Choisir une %(name)s à modifier"),
    "mf": _("Choisir un·e %(name)s à modifier"),
}
_CHOOSE_TO_VIEW = {
    "m": _("Choisir un %(name)s à consulter"),
    "f": _("Choisir une %(name)s à consulter"),
    "mf": _("Choisir un·e %(name)s à consulter"),
}
# The « add another » link under an inline's rows (an inline declares ``gender`` too).
_ADD_ANOTHER = {
    "m": _("Ajouter un autre %(name)s"),
    "f": _("Ajouter une autre %(name)s"),
    "mf": _("Ajouter un·e autre %(name)s"),
}
# The « save and add another » button (admin/submit_line.html).
_SAVE_AND_ADD_ANOTHER = {
    "m": _("Enregistrer et ajouter un autre"),
    "f": _("Enregistrer et ajouter une autre"),
    "mf": _("Enregistrer et ajouter un·e autre"),
}
GENDERS = ("m", "f", "mf")
# « l' » before a vowel; a name starting with a « h muet » would need its own declaration.
_VOWELS = set("aeiouyàâäéèêëîïôöùûüÿœæAEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜŸŒÆ")


class FrenchInlineAdminFormSet(helpers.InlineAdminFormSet):
    """Django's wrapper of an inline formset in the admin, whose « add another » link says
    ``add_text`` (its public ``inline_formset_data``, read by the inline's template)."""

    def __init__(self, *args, add_text: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.add_text = add_text

    @classmethod
    def of(cls, wrapper: helpers.InlineAdminFormSet, add_text: str) -> FrenchInlineAdminFormSet:
        """The same wrapper as ``wrapper`` (built by ``ModelAdmin.get_inline_formsets``)."""
        return cls(
            wrapper.opts,
            wrapper.formset,
            wrapper.fieldsets,
            wrapper.prepopulated_fields,
            wrapper.readonly_fields,
            model_admin=wrapper.model_admin,
            has_add_permission=wrapper.has_add_permission,
            has_change_permission=wrapper.has_change_permission,
            has_delete_permission=wrapper.has_delete_permission,
            has_view_permission=wrapper.has_view_permission,
            add_text=add_text,
        )

    def inline_formset_data(self) -> str:
        data = json.loads(super().inline_formset_data())
        data["options"]["addText"] = self.add_text
        return json.dumps(data)


class FrenchTitles:
    """Page titles of the add, change and list pages in correct French (see ``_ADD``).

    ``gender`` is declared by each ModelAdmin of the back office (a test checks that every
    registered one does); without it, Django's own titles are kept.
    """

    gender: str = ""

    def french_titles(self, request) -> dict:
        if self.gender not in GENDERS:
            return {}
        name = str(self.opts.verbose_name)
        definite = "elided" if name[:1] in _VOWELS else self.gender
        values = {"name": name}
        return {
            "add": _ADD[self.gender] % values,
            "change": _CHANGE[definite] % values,
            "view": _VIEW[definite] % values,
            "choose_to_change": _CHOOSE_TO_CHANGE[self.gender] % values,
            "choose_to_view": _CHOOSE_TO_VIEW[self.gender] % values,
            "save_and_add_another": str(_SAVE_AND_ADD_ANOTHER[self.gender]),
        }

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        titles = self.french_titles(request)
        if titles:
            if object_id is None:
                title = titles["add"]
            elif self.has_change_permission(request):
                title = titles["change"]
            else:
                title = titles["view"]
            extra_context = {
                "title": title,
                "save_and_add_another": titles["save_and_add_another"],
                **(extra_context or {}),
            }
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_inline_formsets(self, request, formsets, inline_instances, obj=None):
        """Inline rows' « add another » link: « Ajouter une autre étape », not Django's
        « Ajouter un objet Étape supplémentaire » (the inline declares its ``gender``)."""
        inline_admin_formsets = super().get_inline_formsets(
            request, formsets, inline_instances, obj
        )
        french = []
        for inline_admin_formset in inline_admin_formsets:
            inline = inline_admin_formset.opts
            gender = getattr(inline, "gender", "")
            if gender in GENDERS:
                add_text = str(_ADD_ANOTHER[gender] % {"name": str(inline.verbose_name)})
                inline_admin_formset = FrenchInlineAdminFormSet.of(inline_admin_formset, add_text)
            french.append(inline_admin_formset)
        return french

    def changelist_view(self, request, extra_context=None):
        titles = self.french_titles(request)
        if titles:
            can_change = self.has_change_permission(request)
            extra_context = {
                "title": titles["choose_to_change" if can_change else "choose_to_view"],
                # The « add » button of the list (admin/change_list_object_tools.html).
                "add_title": titles["add"],
                **(extra_context or {}),
            }
        return super().changelist_view(request, extra_context)


class LoggedAdmin(FrenchTitles, AdministratorOnly, admin.ModelAdmin):
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
