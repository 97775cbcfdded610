from django import forms
from django.utils.translation import gettext_lazy as _

from palabre.core import limits

from .models import NotificationPreference, Report


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Motif"),
        choices=Report.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez un motif de signalement.")},
    )
    comment = limits.LimitedText(
        label=_("Précisions (facultatif)"),
        limit=limits.REPORT_COMMENT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CommentForm(forms.Form):
    body = limits.LimitedText(
        label=_("Votre commentaire"),
        limit=limits.COMMENT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Texte simple. Restez courtois : la charte s'applique aux commentaires."),
        error_messages={"required": _("Écrivez votre commentaire.")},
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class NotificationPreferenceForm(forms.Form):
    frequency = forms.ChoiceField(
        label=_("Quand vous écrire à propos de ce que vous suivez ?"),
        choices=NotificationPreference.Frequency.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez une fréquence d'e-mails.")},
    )
