from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from palabre.core import limits
from palabre.core.models import District, Theme
from palabre.participation import requirements as checks


class ListFilterForm(forms.Form):
    """The proposals of a vote, by district, theme and order (a plain GET form)."""

    SORTS = [
        ("number", _("Ordre de dépôt")),
        ("cost", _("Coût croissant")),
        ("-cost", _("Coût décroissant")),
    ]

    district = forms.ChoiceField(label=_("Quartier"), required=False)
    theme = forms.ChoiceField(label=_("Thème"), required=False)
    sort = forms.ChoiceField(label=_("Trier par"), required=False, choices=SORTS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("Tous"))]
        self.fields["district"].choices = everything + [
            (d.slug, d.name) for d in District.objects.only("slug", "name")
        ]
        self.fields["theme"].choices = everything + [
            (t.slug, t.name) for t in Theme.objects.only("slug", "name")
        ]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}


class RequirementsForm(forms.Form):
    """What a step may ask before one votes: zip code, date of birth, the rules."""

    zip_code = limits.LimitedText(
        label=_("Code postal"), limit=limits.ZIP_CODE, say_limit=False, required=False
    )
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
