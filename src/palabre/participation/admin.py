"""The moderation queue: what moderators see in the back office."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from palabre.backoffice.mixins import FrenchTitles
from palabre.backoffice.site import site

from . import services
from .models import Report


class ModeratorOnly:
    def _ok(self, request):
        return request.user.is_authenticated and request.user.is_moderator

    def has_module_permission(self, request):
        return self._ok(request)

    def has_view_permission(self, request, obj=None):
        return self._ok(request)

    def has_change_permission(self, request, obj=None):
        return self._ok(request)

    def has_add_permission(self, request, *args):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReportDecisionForm(forms.ModelForm):
    decision = forms.ChoiceField(
        label=_("Décision"),
        choices=[
            ("", "—"),
            ("hide", _("Masquer le contenu (motif public ci-dessous)")),
            ("dismiss", _("Rejeter le signalement (le contenu reste visible)")),
            ("restore", _("Rétablir le contenu masqué")),
        ],
        required=False,
    )
    public_reason = forms.CharField(
        label=_("Motif public"),
        required=False,
        max_length=250,
        help_text=_("Affiché à la place du contenu : « Contenu modéré : <motif> »."),
    )

    class Meta:
        model = Report
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.initial.get("public_reason"):
            self.initial["public_reason"] = self.instance.get_reason_display()

    def clean(self):
        data = super().clean()
        if data.get("decision") == "hide" and not (data.get("public_reason") or "").strip():
            raise ValidationError(_("Indiquez le motif public de la modération."))
        return data


@admin.register(Report, site=site)
class ReportAdmin(FrenchTitles, ModeratorOnly, admin.ModelAdmin):
    gender = "m"
    form = ReportDecisionForm
    list_display = ["created_at", "reason", "status", "content_type", "excerpt", "reporter"]
    list_filter = ["status", "reason", "content_type"]
    list_select_related = ["content_type", "reporter"]
    readonly_fields = [
        "created_at",
        "reason",
        "comment",
        "reporter",
        "status",
        "content_type",
        "target_link",
        "excerpt",
        "handled_by",
        "handled_at",
    ]
    fieldsets = [
        (_("Signalement"), {"fields": readonly_fields}),
        (_("Décision"), {"fields": ["decision", "public_reason"]}),
    ]
    actions = ["dismiss_selected"]

    def get_queryset(self, request):
        # The excerpt column reads each report's target: one query per kind, not per row.
        return super().get_queryset(request).prefetch_related("target")

    @admin.display(description=_("contenu"))
    def excerpt(self, obj):
        target = obj.target
        return getattr(target, "report_excerpt", str(target))[:120] if target else "—"

    @admin.display(description=_("lien"))
    def target_link(self, obj):
        target = obj.target
        if target is None or not hasattr(target, "get_absolute_url"):
            return "—"
        return format_html('<a href="{}">{}</a>', target.get_absolute_url(), _("Voir sur le site"))

    def save_model(self, request, obj, form, change):
        decision = form.cleaned_data.get("decision")
        target = obj.target
        if decision == "hide" and target is not None:
            services.contribution_trash(
                actor=request.user, obj=target, reason=form.cleaned_data["public_reason"]
            )
        elif decision == "restore" and target is not None:
            services.contribution_restore(actor=request.user, obj=target)
        elif decision == "dismiss":
            services.report_dismiss(actor=request.user, report=obj)
        else:
            messages.info(request, _("Aucune décision prise."))

    @admin.action(description=_("Rejeter les signalements sélectionnés"))
    def dismiss_selected(self, request, queryset):
        for report in queryset.filter(status=Report.Status.PENDING):
            services.report_dismiss(actor=request.user, report=report)
