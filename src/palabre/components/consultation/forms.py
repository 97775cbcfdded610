from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Argument, Sort, Source


class OpinionForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200)
    body = forms.CharField(
        label=_("Texte"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Paragraphes séparés par une ligne vide."),
    )


class VersionForm(forms.Form):
    title = forms.CharField(label=_("Titre de l'amendement"), max_length=200)
    body = forms.CharField(
        label=_("Nouvelle rédaction"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Le texte complet tel que vous proposez de le réécrire."),
    )
    explanation = forms.CharField(
        label=_("Exposé des motifs"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Pourquoi cette modification ?"),
    )


class ArgumentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Votre argument est"), choices=Argument.Kind.choices, widget=forms.RadioSelect
    )
    body = forms.CharField(
        label=_("Argument"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ArgumentEditForm(forms.Form):
    """An argument's text (its kind stays: it would move it from « pour » to « contre »)."""

    body = forms.CharField(
        label=_("Argument"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5})
    )


class SourceForm(forms.Form):
    title = forms.CharField(label=_("Titre de la source"), max_length=200)
    link = forms.URLField(label=_("Lien"), max_length=500, assume_scheme="https")
    category = forms.ChoiceField(label=_("Catégorie"), choices=Source.Category.choices)
    body = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SortForm(forms.Form):
    sort = forms.ChoiceField(label=_("Trier par"), choices=Sort.choices, required=False)


def plain_to_html(text: str) -> str:
    """Participants type plain text; paragraphs become <p> (escaped, never raw HTML)."""
    from django.utils.html import escape

    paragraphs = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return "".join(f"<p>{escape(p)}</p>".replace("\n", "<br>") for p in paragraphs)
