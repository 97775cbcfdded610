from django import forms
from django.utils.translation import gettext_lazy as _

from .models import NotificationPreference, Report


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Motif"),
        choices=Report.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez un motif de signalement.")},
    )
    comment = forms.CharField(
        label=_("Précisions (facultatif)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Votre commentaire"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Écrivez votre commentaire."),
            "max_length": _("Votre commentaire dépasse %(limit_value)d caractères."),
        },
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class NotificationPreferenceForm(forms.Form):
    frequency = forms.ChoiceField(
        label=_("Quand vous écrire à propos de ce que vous suivez ?"),
        choices=NotificationPreference.Frequency.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez une fréquence d'e-mails.")},
    )
