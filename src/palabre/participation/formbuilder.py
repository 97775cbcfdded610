"""Organiser-built forms: question definitions and answer validation.

Nothing here knows about proposals: a collect step uses it for its custom questions, and a
questionnaire can reuse it as is. A question is a row of a model based on ``AbstractQuestion``;
``question_field`` turns it into a Django form field (``None`` for a section heading), and
``answer_value`` / ``answer_display`` turn a cleaned value into what is stored (JSON) and back
into text. Uploaded files are checked by ``FileRules`` (extension and size, server side).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from palabre.core import limits


class QuestionKind(models.TextChoices):
    SHORT_TEXT = "short_text", _("Texte court")
    LONG_TEXT = "long_text", _("Texte long")
    NUMBER = "number", _("Nombre")
    SINGLE = "single", _("Choix unique")
    MULTIPLE = "multiple", _("Choix multiple")
    CHECKBOX = "checkbox", _("Case à cocher")
    FILE = "file", _("Fichier")
    HEADING = "heading", _("Titre de partie")


class AbstractQuestion(models.Model):
    """One question of an organiser-built form (or a heading that starts a part of it)."""

    kind = models.CharField(_("type"), max_length=20, choices=QuestionKind.choices)
    label = models.CharField(_("intitulé"), max_length=250)
    help_text = models.CharField(_("aide"), max_length=500, blank=True)
    required = models.BooleanField(_("obligatoire"), default=False)
    position = models.PositiveIntegerField(_("position"), default=0)
    choices = models.TextField(
        _("choix proposés"),
        blank=True,
        help_text=_("Pour un choix unique ou multiple : un choix par ligne."),
    )
    max_length = models.PositiveIntegerField(
        _("longueur maximale"), null=True, blank=True, help_text=_("Pour un texte.")
    )

    class Meta:
        abstract = True
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.label

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in (self.choices or "").splitlines() if line.strip()]

    @property
    def is_heading(self) -> bool:
        return self.kind == QuestionKind.HEADING

    @property
    def field_name(self) -> str:
        return f"q_{self.pk}"

    def clean(self) -> None:
        if self.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) and len(self.choice_list) < 2:
            raise ValidationError({"choices": _("Proposez au moins deux choix, un par ligne.")})
        if self.kind == QuestionKind.HEADING and self.required:
            raise ValidationError({"required": _("Un titre de partie ne peut être obligatoire.")})
        if self.max_length and self.max_length > limits.ANSWER_MAX:
            raise ValidationError({"max_length": limits.said(limits.ANSWER_MAX)})


# Types a browser would run or render as a page when the upload is served from MEDIA_URL
# (same origin): never accepted, whatever the organiser lists.
NEVER_ACCEPTED = frozenset(
    {"htm", "html", "xhtml", "xht", "shtml", "svg", "svgz", "xml", "js", "mjs", "swf", "php"}
)


@dataclass(frozen=True)
class FileRules:
    """What an upload may be: its extensions (lower case, no dot) and its size in bytes."""

    extensions: tuple[str, ...]
    max_bytes: int

    @classmethod
    def parse(cls, extensions: str, max_megabytes: int) -> FileRules:
        listed = (e.strip().lower().lstrip(".") for e in (extensions or "").split(","))
        exts = tuple(e for e in listed if e and e not in NEVER_ACCEPTED)
        return cls(extensions=exts, max_bytes=max(1, max_megabytes) * 1024 * 1024)

    @property
    def help(self) -> str:
        return gettext("Formats acceptés : %(types)s ; %(size)s au plus par fichier.") % {
            "types": ", ".join(e.upper() for e in self.extensions),
            "size": filesizeformat(self.max_bytes),
        }

    @property
    def accept(self) -> str:
        return ",".join(f".{e}" for e in self.extensions)

    def check(self, upload) -> None:
        name = os.path.basename(getattr(upload, "name", "") or "")
        ext = os.path.splitext(name)[1].lower().lstrip(".")
        if ext not in self.extensions:
            raise ValidationError(
                gettext(
                    "Le fichier « %(name)s » n'est pas accepté : type %(ext)s refusé. "
                    "Formats acceptés : %(types)s."
                )
                % {
                    "name": name,
                    "ext": f".{ext}" if ext else gettext("inconnu"),
                    "types": ", ".join(e.upper() for e in self.extensions),
                },
                code="file_type",
            )
        if upload.size > self.max_bytes:
            raise ValidationError(
                gettext("Le fichier « %(name)s » est trop lourd (%(size)s, %(max)s au plus).")
                % {
                    "name": name,
                    "size": filesizeformat(upload.size),
                    "max": filesizeformat(self.max_bytes),
                },
                code="file_size",
            )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class RuledFileField(forms.FileField):
    """A file field checked against ``FileRules``; ``multiple`` accepts several files."""

    def __init__(self, *, rules: FileRules, multiple: bool = False, **kwargs):
        self.rules = rules
        self.multiple = multiple
        widget = (MultipleFileInput if multiple else forms.FileInput)(
            attrs={"accept": rules.accept}
        )
        kwargs.setdefault("widget", widget)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        if self.multiple:
            uploads = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
            if not uploads:
                if self.required:
                    raise ValidationError(self.error_messages["required"], code="required")
                return []
            errors, cleaned = [], []
            for upload in uploads:
                try:
                    upload = super().clean(upload, initial)
                    self.rules.check(upload)
                except ValidationError as exc:
                    errors.extend(exc.error_list)
                else:
                    cleaned.append(upload)
            if errors:
                raise ValidationError(errors)
            return cleaned
        upload = super().clean(data, initial)
        if upload:
            self.rules.check(upload)
        return upload


def answer_limit(question: AbstractQuestion) -> int:
    """How long a text answer may be: the organiser's choice (at most ``ANSWER_MAX``), else
    the default of its kind."""
    default = limits.LONG_ANSWER if question.kind == QuestionKind.LONG_TEXT else limits.SHORT_ANSWER
    return min(question.max_length or default, limits.ANSWER_MAX)


def question_field(question: AbstractQuestion, *, file_rules: FileRules) -> forms.Field | None:
    """The form field asking ``question`` (``None`` for a heading)."""
    kind = question.kind
    common = {
        "label": question.label,
        "required": question.required,
        "help_text": question.help_text,
    }
    if kind == QuestionKind.HEADING:
        return None
    if kind == QuestionKind.SHORT_TEXT:
        return limits.LimitedText(limit=answer_limit(question), **common)
    if kind == QuestionKind.LONG_TEXT:
        return limits.LimitedText(
            limit=answer_limit(question), widget=forms.Textarea(attrs={"rows": 5}), **common
        )
    if kind == QuestionKind.NUMBER:
        return forms.DecimalField(max_digits=14, decimal_places=2, **common)
    if kind == QuestionKind.SINGLE:
        return forms.ChoiceField(
            choices=[(c, c) for c in question.choice_list], widget=forms.RadioSelect, **common
        )
    if kind == QuestionKind.MULTIPLE:
        return forms.MultipleChoiceField(
            choices=[(c, c) for c in question.choice_list],
            widget=forms.CheckboxSelectMultiple,
            **common,
        )
    if kind == QuestionKind.CHECKBOX:
        return forms.BooleanField(**common)
    if kind == QuestionKind.FILE:
        help_text = " ".join(t for t in (question.help_text, file_rules.help) if t)
        return RuledFileField(rules=file_rules, **{**common, "help_text": help_text})
    raise ValueError(f"unknown question kind {kind!r}")


def answer_value(question: AbstractQuestion, value):
    """What is stored (JSON) for a cleaned value; files are stored by the caller."""
    if question.kind == QuestionKind.NUMBER:
        return None if value is None else str(value)
    if question.kind == QuestionKind.MULTIPLE:
        return list(value or [])
    if question.kind == QuestionKind.CHECKBOX:
        return bool(value)
    if question.kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT, QuestionKind.SINGLE):
        return (value or "").strip()
    return None


def stored_answers(questions, cleaned_data: dict) -> dict:
    """What is stored (JSON) for the answers of a form's ``questions``, keyed by question id
    (``str``); file answers are stored by the caller, headings have none."""
    return {
        str(q.pk): answer_value(q, cleaned_data.get(q.field_name))
        for q in questions
        if q.kind not in (QuestionKind.FILE, QuestionKind.HEADING)
    }


def answer_as_data(stored):
    """A stored answer as a browser would post it again (restoring it into a draft): a ticked
    box as ``"on"``, several choices as a list of strings, ``None`` for no answer."""
    if isinstance(stored, bool):
        return "on" if stored else ""
    if isinstance(stored, list):
        return [str(v) for v in stored]
    if stored is None:
        return None
    return str(stored)


def answer_initial(question: AbstractQuestion, stored):
    """The form's initial value for a stored answer (editing, restoring a draft)."""
    if stored is None:
        return None
    if question.kind == QuestionKind.NUMBER:
        try:
            return Decimal(str(stored))
        except ArithmeticError:
            return None
    return stored


def answer_display(question: AbstractQuestion, stored) -> str:
    """A stored answer as text (pages, exports)."""
    if stored is None or stored == "" or stored == []:
        return ""
    if question.kind == QuestionKind.MULTIPLE:
        return ", ".join(str(v) for v in stored)
    if question.kind == QuestionKind.CHECKBOX:
        return gettext("Oui") if stored else gettext("Non")
    return str(stored)
