from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from palabre.backoffice.mixins import (
    FrenchTitles,
    LabelledTabularInline,
    LoggedAdmin,
    related_filter,
)
from palabre.backoffice.site import site
from palabre.components.collect.admin import ProposalStatusChoiceField, statuses_for_choice
from palabre.core.models import Step

from . import services
from .models import Ballot, Selection, SelectionProposal


class SelectionProposalInline(LabelledTabularInline):
    model = SelectionProposal
    gender = "f"
    extra = 0
    fields = ["proposal", "votes_count", "points", "added_at"]
    readonly_fields = ["votes_count", "points", "added_at"]
    raw_id_fields = ["proposal"]
    verbose_name_plural = _(
        "propositions soumises au vote (si « les propositions sélectionnées » est choisi)"
    )

    def has_view_permission(self, request, obj=None):
        return request.user.is_organiser

    has_add_permission = has_change_permission = has_delete_permission = (
        lambda self, request, obj=None: request.user.is_organiser
    )


class SelectionForm(forms.ModelForm):
    add_status = ProposalStatusChoiceField(
        label=_("Ajouter au vote les propositions de statut"),
        queryset=None,
        required=False,
        help_text=_("Par exemple « Recevable » : toutes les propositions de ce statut."),
    )

    class Meta:
        model = Selection
        fields = [
            "step",
            "collect",
            "proposals_from",
            "intro",
            "vote_type",
            "votes_max",
            "votes_min",
            "budget",
            "threshold",
            "results_visibility",
            "results_at",
            "anonymous_allowed",
            "require_confirmed_email",
            "zip_codes",
            "zip_area",
            "min_age",
            "rules",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        statuses = statuses_for_choice()
        if self.instance.pk:
            statuses = statuses.filter(collect_id=self.instance.collect_id)
        self.fields["add_status"].queryset = statuses


@admin.register(Selection, site=site)
class SelectionAdmin(LoggedAdmin):
    gender = "m"
    form = SelectionForm
    list_display = ["__str__", "project", "vote_type", "votes_max", "budget"]
    list_select_related = ["step__project"]
    inlines = [SelectionProposalInline]
    fieldsets = [
        (None, {"fields": ["step", "collect", "proposals_from", "add_status", "intro"]}),
        (
            _("Règles du vote"),
            {
                "fields": [
                    "vote_type",
                    ("votes_max", "votes_min"),
                    "budget",
                    "threshold",
                    ("results_visibility", "results_at"),
                    "anonymous_allowed",
                ],
                "description": _(
                    "Dès qu'un vote existe, les règles qui changeraient les bulletins déjà "
                    "comptés ne peuvent plus être modifiées."
                ),
            },
        ),
        (
            _("Conditions pour voter"),
            {
                "fields": [
                    "require_confirmed_email",
                    ("zip_codes", "zip_area"),
                    "min_age",
                    "rules",
                ]
            },
        ),
    ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "step":
            kwargs["queryset"] = Step.objects.filter(kind="selection").select_related("project")
        if db_field.name == "collect":
            from palabre.components.collect.models import Collect

            kwargs["queryset"] = Collect.objects.select_related("step__project")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("projet"))
    def project(self, obj):
        return obj.step.project

    def save_model(self, request, obj, form, change):
        changes = {name: form.cleaned_data.get(name) for name in form.changed_data}
        changes.pop("add_status", None)
        try:
            services.selection_save(
                actor=request.user,
                selection=obj,
                created=not change,
                changes=changes,
                save=lambda: super(LoggedAdmin, self).save_model(request, obj, form, change),
            )
        except ValidationError as exc:  # a vote arrived between the form's check and the save
            messages.error(request, " ".join(exc.messages))
            return
        status = form.cleaned_data.get("add_status")
        if status is not None:
            added = services.selection_proposals_add(
                actor=request.user, selection=obj, status=status
            )
            messages.info(request, _("%(n)s proposition(s) ajoutée(s) au vote.") % {"n": added})

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for entry in formset.deleted_objects:
            try:
                services.selection_proposal_remove(actor=request.user, entry=entry)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
        new = [entry.proposal_id for entry in instances if entry.pk is None]
        if new:
            services.selection_proposals_add(
                actor=request.user, selection=form.instance, proposals=new
            )


@admin.register(Ballot, site=site)
class BallotAdmin(FrenchTitles, admin.ModelAdmin):
    """Read only: ballots change through the participants' votes alone."""

    gender = "m"

    list_display = ["__str__", "votes_count", "spent", "counted", "updated_at"]
    list_filter = [("selection", related_filter("step__project"))]
    list_select_related = ["selection__step__project"]
    fields = ["selection", "votes_count", "spent", "counted", "anonymous", "updated_at"]
    readonly_fields = fields

    def has_module_permission(self, request):
        return request.user.is_authenticated and request.user.is_organiser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
