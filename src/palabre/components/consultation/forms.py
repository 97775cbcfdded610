from django import forms
from django.utils.translation import gettext_lazy as _

from palabre.core import limits
from palabre.core.limits import LimitedText

from .models import Argument, Sort, Source


class OpinionForm(forms.Form):
    # Bodies are typed as plain text: the limit applies to what was typed (see limits).
    title = LimitedText(label=_("Titre"), limit=limits.TITLE)
    body = LimitedText(
        label=_("Texte"),
        limit=limits.BODY,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Paragraphes séparés par une ligne vide."),
    )


def _version_body(limit: int) -> LimitedText:
    return LimitedText(
        label=_("Nouvelle rédaction"),
        limit=limit,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Le texte complet tel que vous proposez de le réécrire."),
    )


class VersionForm(forms.Form):
    """An amendment; ``body_limit`` is ``limits.version_body`` of the text it rewrites."""

    title = LimitedText(label=_("Titre de l'amendement"), limit=limits.TITLE)
    body = _version_body(limits.BODY)
    explanation = LimitedText(
        label=_("Exposé des motifs"),
        limit=limits.EXPLANATION,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Pourquoi cette modification ?"),
    )

    def __init__(self, *args, body_limit: int = limits.BODY, **kwargs):
        super().__init__(*args, **kwargs)
        if body_limit != limits.BODY:
            self.fields["body"] = _version_body(body_limit)


class ArgumentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Votre argument est"), choices=Argument.Kind.choices, widget=forms.RadioSelect
    )
    body = LimitedText(
        label=_("Argument"), limit=limits.ARGUMENT, widget=forms.Textarea(attrs={"rows": 3})
    )


class ArgumentEditForm(forms.Form):
    """An argument's text (its kind stays: it would move it from « pour » to « contre »)."""

    body = LimitedText(
        label=_("Argument"), limit=limits.ARGUMENT, widget=forms.Textarea(attrs={"rows": 5})
    )


class SourceForm(forms.Form):
    title = LimitedText(label=_("Titre de la source"), limit=limits.TITLE)
    link = forms.URLField(
        label=_("Lien"), validators=[limits.MaxLength(limits.LINK)], assume_scheme="https"
    )
    category = forms.ChoiceField(label=_("Catégorie"), choices=Source.Category.choices)
    body = LimitedText(
        label=_("Description"),
        limit=limits.SOURCE_DESCRIPTION,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SortForm(forms.Form):
    sort = forms.ChoiceField(label=_("Trier par"), choices=Sort.choices, required=False)


def plain_to_html(text: str) -> str:
    """Participants type plain text; paragraphs become <p> (escaped, never raw HTML)."""
    from django.utils.html import escape

    paragraphs = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return "".join(f"<p>{escape(p)}</p>".replace("\n", "<br>") for p in paragraphs)
