"""The proposal form, built from a step's configuration (built-in fields and questions)."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from palabre.core import limits
from palabre.core.models import District, Theme
from palabre.participation import formbuilder

from .models import Builtin, Collect, FormField, Question, Sort

FILE_FIELDS = ("illustration", "attachments")
CHOOSE = _("— Choisir —")


@dataclass
class Item:
    """One entry of the form, in order: a built-in field, a question, or a heading."""

    position: int
    name: str  # form field name ("title", "q_12"); "" for a heading
    label: str
    heading: bool = False
    builtin: FormField | None = None
    question: Question | None = None


def items(collect: Collect, form_fields: list[FormField], questions: list[Question]):
    out = []
    for ff in form_fields:
        if not ff.enabled and ff.key != Builtin.TITLE:
            continue
        out.append(Item(ff.position, ff.key, ff.display_label, builtin=ff))
    for q in questions:
        out.append(
            Item(
                q.position,
                "" if q.is_heading else q.field_name,
                q.label,
                heading=q.is_heading,
                question=q,
            )
        )
    out.sort(key=lambda i: (i.position, i.question is not None))
    return out


class ProposalForm(forms.Form):
    """Validates what a participant typed; files are checked and kept by ``draft_save``.

    ``kept`` maps a file field's name to the files already stored with the draft: a required
    file field is satisfied by them.
    """

    def __init__(
        self,
        *args,
        collect: Collect,
        form_fields: list[FormField],
        questions: list[Question],
        categories,
        kept: dict | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.collect = collect
        self.kept = kept or {}
        self.layout = items(collect, form_fields, questions)
        self.questions = [q for q in questions if not q.is_heading]
        file_rules = collect.file_rules
        for item in self.layout:
            if item.heading:
                continue
            if item.builtin is not None:
                for name, field in self._builtin(item.builtin, categories, file_rules).items():
                    self.fields[name] = field
            else:
                self.fields[item.name] = formbuilder.question_field(
                    item.question, file_rules=file_rules
                )
        for name, field in self.fields.items():
            if isinstance(field, forms.FileField) and self.kept.get(name):
                field.required = False
        self._describe(errors={})

    def _builtin(self, ff: FormField, categories, file_rules) -> dict[str, forms.Field]:
        key = ff.key
        required = ff.required or key == Builtin.TITLE
        common = {"label": ff.display_label, "required": required, "help_text": ff.help_text}
        if key == Builtin.TITLE:
            return {"title": limits.LimitedText(limit=limits.TITLE, **common)}
        if key == Builtin.SUMMARY:
            return {
                "summary": limits.LimitedText(
                    limit=limits.SUMMARY, widget=forms.Textarea(attrs={"rows": 3}), **common
                )
            }
        if key == Builtin.BODY:
            help_text = ff.help_text or _(
                "Paragraphes séparés par une ligne vide. Mise en forme simple acceptée "
                "(<strong>, <em>, listes, liens)."
            )
            return {
                "body": limits.LimitedText(
                    limit=limits.BODY,  # on the raw text, markup included: see limits
                    widget=forms.Textarea(attrs={"rows": 10}),
                    **{**common, "help_text": help_text},
                )
            }
        if key == Builtin.THEME:
            return {
                "theme": forms.ModelChoiceField(Theme.objects.all(), empty_label=CHOOSE, **common)
            }
        if key == Builtin.CATEGORY:
            return {"category": forms.ModelChoiceField(categories, empty_label=CHOOSE, **common)}
        if key == Builtin.DISTRICT:
            return {
                "district": forms.ModelChoiceField(
                    District.objects.all(), empty_label=CHOOSE, **common
                )
            }
        if key == Builtin.ADDRESS:
            coordinate = {"required": False, "widget": forms.NumberInput(attrs={"step": "any"})}
            return {
                "address": limits.LimitedText(
                    limit=limits.ADDRESS,
                    say_limit=False,
                    **{**common, "label": _("Adresse ou lieu")},
                ),
                "latitude": forms.FloatField(
                    label=_("Latitude"), min_value=-90, max_value=90, **coordinate
                ),
                "longitude": forms.FloatField(
                    label=_("Longitude"), min_value=-180, max_value=180, **coordinate
                ),
            }
        if key == Builtin.COST:
            return {
                "cost": forms.IntegerField(
                    min_value=0,
                    max_value=1_000_000_000,
                    **{
                        **common,
                        "help_text": ff.help_text or _("En euros, toutes taxes comprises."),
                    },
                )
            }
        if key == Builtin.ILLUSTRATION:
            rules = self.collect.image_rules
            help_text = " ".join(t for t in (ff.help_text, rules.help) if t)
            return {
                "illustration": formbuilder.RuledFileField(
                    rules=rules, **{**common, "help_text": help_text}
                ),
                "illustration_alt": limits.LimitedText(
                    limit=limits.IMAGE_ALT,
                    say_limit=False,
                    label=_("Ce que montre l'image"),
                    required=False,
                    help_text=_(
                        "Pour les personnes qui ne la voient pas ; laissez vide si elle est "
                        "purement décorative."
                    ),
                ),
            }
        if key == Builtin.ATTACHMENTS:
            help_text = " ".join(
                str(t)
                for t in (
                    ff.help_text,
                    file_rules.help,
                    _("%(n)d fichiers au plus.") % {"n": self.collect.attachments_max_count},
                )
                if t
            )
            return {
                "attachments": formbuilder.RuledFileField(
                    rules=file_rules, multiple=True, **{**common, "help_text": help_text}
                )
            }
        raise ValueError(key)

    def clean(self):
        cleaned = super().clean()
        if "latitude" in self.fields:
            lat, lng = cleaned.get("latitude"), cleaned.get("longitude")
            if (lat is None) != (lng is None):
                self.add_error(
                    "latitude", _("Indiquez la latitude et la longitude, ou aucune des deux.")
                )
        return cleaned

    def full_clean(self):
        super().full_clean()
        self._describe(errors=self.errors)

    def _describe(self, *, errors=None) -> None:
        """``aria-describedby``: each field's help text and, once validated, its errors
        (``errors``: the form's own, read once it is validated)."""
        if errors is None:
            errors = self.errors
        for name, field in self.fields.items():
            bound = self[name]
            ids = []
            if field.help_text:
                ids.append(f"{bound.auto_id}_helptext")
            if errors.get(name):
                ids.append(f"{bound.auto_id}_error")
                field.widget.attrs["aria-invalid"] = "true"
            if ids and not isinstance(
                field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple
            ):
                field.widget.attrs["aria-describedby"] = " ".join(ids)
            elif isinstance(field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
                field.widget.attrs.pop("aria-describedby", None)
            bound.describedby = " ".join(ids)

    def answers(self) -> dict:
        """The custom questions' answers, as stored (files apart)."""
        return formbuilder.stored_answers(self.questions, self.cleaned_data)


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Rechercher"), required=False, max_length=100)
    theme = forms.ChoiceField(label=_("Thème"), required=False)
    category = forms.ChoiceField(label=_("Catégorie"), required=False)
    district = forms.ChoiceField(label=_("Quartier"), required=False)
    status = forms.ChoiceField(label=_("Statut"), required=False)
    sort = forms.ChoiceField(label=_("Trier par"), required=False, choices=Sort.choices)

    def __init__(self, *args, themes, categories, districts, statuses, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("Tous"))]
        self.fields["theme"].choices = everything + [(t.slug, t.name) for t in themes]
        self.fields["category"].choices = [("", _("Toutes"))] + [
            (str(c.pk), c.name) for c in categories
        ]
        self.fields["district"].choices = everything + [(d.slug, d.name) for d in districts]
        self.fields["district"]._districts = districts  # the map draws their outlines
        self.fields["status"].choices = everything + [(str(s.pk), s.name) for s in statuses]
        if not categories:
            del self.fields["category"]
        if not statuses:
            del self.fields["status"]


class AnswerForm(forms.Form):
    """The organiser's official answer (and status) from the proposal page."""

    status = forms.ModelChoiceField(
        label=_("Statut"), queryset=None, required=False, empty_label=_("(aucun)")
    )
    official_answer = forms.CharField(
        label=_("Réponse officielle"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Publiée sur la page de la proposition ; ses abonné·es sont prévenu·es."),
    )

    def __init__(self, *args, statuses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].queryset = statuses
