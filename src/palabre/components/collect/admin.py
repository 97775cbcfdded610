from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from palabre.backoffice.mixins import (
    AdministratorOnly,
    FrenchTitles,
    LabelledTabularInline,
    LoggedAdmin,
    related_filter,
)
from palabre.backoffice.site import site
from palabre.core.models import Step

from . import services
from .models import Category, Collect, FormField, Proposal, ProposalStatus, Question


class _OrganiserInline:
    extra = 0

    def has_view_permission(self, request, obj=None):
        return request.user.is_organiser

    has_add_permission = has_change_permission = has_delete_permission = (
        lambda self, request, obj=None: request.user.is_organiser
    )


class FormFieldInline(_OrganiserInline, LabelledTabularInline):
    model = FormField
    gender = "m"
    fields = ["key", "enabled", "required", "position", "label", "help_text"]
    readonly_fields = ["key"]
    ordering = ["position", "id"]
    verbose_name_plural = _("champs du formulaire (le titre est toujours demandé)")

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class QuestionInline(_OrganiserInline, admin.StackedInline):
    model = Question
    gender = "f"
    fields = [("kind", "required", "position"), "label", "help_text", "choices", "max_length"]
    ordering = ["position", "id"]


class CategoryInline(_OrganiserInline, LabelledTabularInline):
    model = Category
    gender = "f"
    fields = ["name", "position"]


class StatusInline(_OrganiserInline, LabelledTabularInline):
    model = ProposalStatus
    gender = "m"
    fields = ["name", "colour", "public", "position"]


class CollectForm(forms.ModelForm):
    reapply_preset = forms.BooleanField(
        label=_("Réappliquer le modèle"),
        required=False,
        help_text=_(
            "Remet les champs du formulaire dans l'état du modèle choisi ; les questions "
            "personnalisées sont conservées."
        ),
    )

    class Meta:
        model = Collect
        fields = [
            "step",
            "preset",
            "intro",
            "reference_prefix",
            "default_sort",
            "attachment_extensions",
            "attachment_max_mb",
            "attachments_max_count",
            "map_latitude",
            "map_longitude",
            "map_zoom",
        ]


@admin.register(Collect, site=site)
class CollectAdmin(LoggedAdmin):
    gender = "m"
    form = CollectForm
    list_display = ["__str__", "project", "preset", "export_links"]
    list_select_related = ["step__project"]
    inlines = [FormFieldInline, QuestionInline, CategoryInline, StatusInline]
    fieldsets = [
        (None, {"fields": ["step", "preset", "reapply_preset", "intro"]}),
        (_("Propositions"), {"fields": ["reference_prefix", "default_sort"]}),
        (
            _("Fichiers"),
            {"fields": ["attachment_extensions", "attachment_max_mb", "attachments_max_count"]},
        ),
        (_("Carte"), {"fields": [("map_latitude", "map_longitude", "map_zoom")]}),
    ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "step":
            kwargs["queryset"] = Step.objects.filter(kind="collect").select_related("project")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("projet"))
    def project(self, obj):
        return obj.step.project

    @admin.display(description=_("export"))
    def export_links(self, obj):
        step = obj.step
        args = [step.project.slug, step.slug]
        return format_html(
            '<a href="{}">CSV</a> · <a href="{}">XLSX</a>',
            reverse("collect:export", args=[*args, "csv"]),
            reverse("collect:export", args=[*args, "xlsx"]),
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        collect = form.instance
        if not change or form.cleaned_data.get("reapply_preset"):
            services.collect_apply_preset(
                actor=request.user, collect=collect, preset=collect.preset
            )


def status_label(status: ProposalStatus) -> str:
    """Statuses of several collect steps side by side (« Recevable » in each) read
    « <project> — <step> — <status> »; select ``collect__step__project`` with them."""
    return f"{status.collect} — {status.name}"


class ProposalStatusChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return status_label(obj)


def statuses_for_choice():
    return ProposalStatus.objects.select_related("collect__step__project")


class StatusActionForm(ActionForm):
    status = ProposalStatusChoiceField(
        label=_("Statut"),
        queryset=statuses_for_choice(),
        required=False,
        empty_label=_("(aucun statut)"),
    )


@admin.register(Proposal, site=site)
class ProposalAdmin(FrenchTitles, AdministratorOnly, admin.ModelAdmin):
    gender = "f"
    list_display = [
        "reference",
        "title",
        "collect",
        "status",
        "state",
        "published",
        "created_at",
        "author",
    ]
    list_filter = [
        ("collect", related_filter("step__project")),
        ("status", related_filter("collect__step__project", label=status_label)),
        "state",
        "published",
        "theme",
        "district",
    ]
    search_fields = ["reference", "title", "summary"]
    list_select_related = ["collect__step__project", "status", "author"]
    action_form = StatusActionForm
    actions = ["set_status"]
    fields = [
        "reference",
        "collect",
        "title",
        "summary",
        "body",
        "theme",
        "category",
        "district",
        "address",
        "latitude",
        "longitude",
        "cost",
        "author",
        "state",
        "published",
        "created_at",
        "trashed_at",
        "trashed_reason",
        "status",
        "official_answer",
    ]
    editable = {"status", "official_answer"}

    def get_readonly_fields(self, request, obj=None):
        return [f for f in self.fields if f not in self.editable]

    def has_add_permission(self, request, *args):
        return False

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is not None and "status" in form.base_fields:
            form.base_fields["status"].queryset = ProposalStatus.objects.filter(collect=obj.collect)
        return form

    def save_model(self, request, obj, form, change):
        """Organisers change a status and answer through the services (logged, notified)."""
        if "status" in form.changed_data:
            status = form.cleaned_data["status"]
            obj.status_id = form.initial.get("status")
            services.proposal_set_status(actor=request.user, proposals=[obj], status=status)
        if "official_answer" in form.changed_data:
            obj.official_answer = form.initial.get("official_answer") or ""
            services.proposal_answer(
                actor=request.user, proposal=obj, body=form.cleaned_data["official_answer"]
            )

    def save_related(self, request, form, formsets, change):
        """Nothing else to save: participants' text is theirs."""

    @admin.action(description=_("Donner le statut choisi aux propositions sélectionnées"))
    def set_status(self, request, queryset):
        status = None
        raw = request.POST.get("status")
        if raw:
            status = ProposalStatus.objects.filter(pk=raw).first()
        try:
            changed = services.proposal_set_status(
                actor=request.user,
                proposals=queryset.select_related("status", "collect__step__project"),
                status=status,
            )
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return
        self.message_user(
            request,
            _("%(n)d propositions ont changé de statut.") % {"n": changed},
            messages.SUCCESS,
        )
