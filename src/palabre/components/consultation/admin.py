from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from palabre.backoffice.mixins import (
    AdministratorOnly,
    FrenchTitles,
    LoggedAdmin,
    related_filter,
)
from palabre.backoffice.site import site
from palabre.core.models import Step

from . import services
from .models import Consultation, Opinion, Section


class SectionInline(admin.StackedInline):
    model = Section
    gender = "f"
    extra = 0
    prepopulated_fields = {"slug": ("title",)}
    fields = [
        ("title", "slug", "position"),
        "parent",
        "body",
        ("authors", "vote_widget", "default_sort"),
        ("allow_versions", "allow_arguments", "allow_sources"),
        "colour",
    ]

    def has_view_permission(self, request, obj=None):
        return request.user.is_organiser

    has_add_permission = has_change_permission = has_delete_permission = (
        lambda self, request, obj=None: request.user.is_organiser
    )


@admin.register(Consultation, site=site)
class ConsultationAdmin(LoggedAdmin):
    gender = "f"
    list_display = ["__str__", "project", "import_link"]
    inlines = [SectionInline]
    list_select_related = ["step__project"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "step":
            kwargs["queryset"] = Step.objects.filter(kind="consultation").select_related("project")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("projet"))
    def project(self, obj):
        return obj.step.project

    @admin.display(description=_("importer un texte"))
    def import_link(self, obj):
        url = reverse("admin:consultation_consultation_import", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Coller un texte"))

    def get_urls(self):
        return [
            path(
                "<id:pk>/import/",
                self.admin_site.admin_view(self.import_view),
                name="consultation_consultation_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request, pk):
        consultation = get_object_or_404(Consultation, pk=pk)
        if not self.has_change_permission(request, consultation):
            raise PermissionDenied
        form = ImportForm(request.POST or None, consultation=consultation)
        if request.method == "POST" and form.is_valid():
            try:
                opinions = services.consultation_import_text(
                    actor=request.user,
                    section=form.cleaned_data["section"],
                    text=form.cleaned_data["text"],
                )
            except ValidationError as exc:
                form.add_error("text", exc)
            else:
                messages.success(request, _("%(n)d articles importés.") % {"n": len(opinions)})
                return redirect(reverse("admin:consultation_consultation_change", args=[pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Importer un texte"),
            "form": form,
            "opts": self.model._meta,
            "original": consultation,
        }
        return render(request, "admin/consultation/import.html", context)


class ImportForm(forms.Form):
    section = forms.ModelChoiceField(label=_("Section"), queryset=Section.objects.none())
    text = forms.CharField(
        label=_("Texte"),
        widget=forms.Textarea(attrs={"rows": 20, "cols": 100}),
        help_text=_(
            "Une proposition par article : chaque article commence par une ligne « Article 1 » "
            "(ou « ## Titre »), suivie de ses paragraphes séparés par une ligne vide."
        ),
    )

    def __init__(self, *args, consultation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = consultation.sections.all()


@admin.register(Opinion, site=site)
class OpinionAdmin(FrenchTitles, AdministratorOnly, admin.ModelAdmin):
    gender = "f"
    list_display = ["title", "section", "author", "published", "pinned", "votes_ok", "votes_nok"]
    list_filter = [
        "published",
        "pinned",
        ("section__consultation", related_filter("step__project")),
    ]
    search_fields = ["title", "body"]
    list_select_related = ["section", "author"]
    readonly_fields = [
        "author",
        "published",
        "published_at",
        "created_at",
        "trashed_at",
        "trashed_reason",
        "votes_ok",
        "votes_mitigated",
        "votes_nok",
    ]
    fields = ["section", "title", "body", "pinned", "position", *readonly_fields]

    def save_model(self, request, obj, form, change):
        services.opinion_organiser_save(
            actor=request.user,
            opinion=obj,
            created=not change,
            changes={k: str(form.cleaned_data.get(k)) for k in form.changed_data},
            save=lambda: super(OpinionAdmin, self).save_model(request, obj, form, change),
        )

    def delete_model(self, request, obj):
        services.opinion_delete(actor=request.user, opinion=obj)

    def delete_queryset(self, request, queryset):
        for opinion in queryset:
            services.opinion_delete(actor=request.user, opinion=opinion)
