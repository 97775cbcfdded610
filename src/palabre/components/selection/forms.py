from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from palabre.participation import requirements as checks


class RequirementsForm(forms.Form):
    """What a step may ask before one votes: zip code, date of birth, the rules."""

    zip_code = forms.CharField(label=_("Code postal"), max_length=10, required=False)
    birth_date = forms.DateField(
        label=_("Date de naissance"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}),
        help_text=_("Seul votre âge est vérifié ; la date n'est jamais publiée."),
    )
    accept_rules = forms.BooleanField(label=_("J'accepte le règlement du vote"), required=False)

    def __init__(self, *args, selection, user, ballot=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.selection = selection
        if not checks.parse_zip_codes(selection.zip_codes):
            del self.fields["zip_code"]
        else:
            self.fields["zip_code"].initial = getattr(user, "zip_code", "")
            self.fields["zip_code"].widget.attrs["autocomplete"] = "postal-code"
        if not selection.min_age:
            del self.fields["birth_date"]
        else:
            self.fields["birth_date"].initial = getattr(user, "birth_date", None)
        if not selection.rules.strip() or (ballot is not None and ballot.rules_accepted_at):
            del self.fields["accept_rules"]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "zip_code": data.get("zip_code"),
            "birth_date": data.get("birth_date"),
            "accept_rules": bool(data.get("accept_rules")),
        }
