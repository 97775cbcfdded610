"""The form builder alone (no proposal, no component): questions become fields, answers are
checked. The questions are rows of a model of the test's own, built on ``AbstractQuestion`` in
an isolated app registry (nothing is added to the project's models or migrations)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.utils import isolate_apps

from palabre.participation.formbuilder import (
    AbstractQuestion,
    FileRules,
    QuestionKind,
    RuledFileField,
    answer_as_data,
    answer_display,
    answer_initial,
    answer_value,
    question_field,
    stored_answers,
)

with isolate_apps():  # no installed app: none of their ready() runs again

    class SurveyQuestion(AbstractQuestion):
        """What a questionnaire's question would be: the abstract base, nothing added."""

        class Meta(AbstractQuestion.Meta):
            app_label = "isolated"


RULES = FileRules.parse("pdf, .PNG", 1)


def _q(kind, **kwargs):
    return SurveyQuestion(pk=7, kind=kind, label="Question", **kwargs)


def test_rules_parse_and_explain():
    assert RULES.extensions == ("pdf", "png")
    assert RULES.accept == ".pdf,.png"
    assert "PDF, PNG" in RULES.help and "1,0" in RULES.help


def test_rules_refuse_type_and_size():
    RULES.check(SimpleUploadedFile("a.PDF", b"x"))
    with pytest.raises(ValidationError) as exc:
        RULES.check(SimpleUploadedFile("a.exe", b"x"))
    assert exc.value.code == "file_type" and ".exe refusé" in exc.value.messages[0]
    with pytest.raises(ValidationError) as exc:
        RULES.check(SimpleUploadedFile("sans-extension", b"x"))
    assert "inconnu" in exc.value.messages[0]
    with pytest.raises(ValidationError) as exc:
        RULES.check(SimpleUploadedFile("a.pdf", b"x" * (1024 * 1024 + 1)))
    assert exc.value.code == "file_size"


def test_multiple_file_field_reports_each_refused_file():
    field = RuledFileField(rules=RULES, multiple=True, required=False)
    ok = SimpleUploadedFile("ok.pdf", b"x")
    with pytest.raises(ValidationError) as exc:
        field.clean([ok, SimpleUploadedFile("ko.exe", b"x"), SimpleUploadedFile("ko2.sh", b"x")])
    assert len(exc.value.messages) == 2
    assert field.clean([ok]) == [ok]
    assert field.clean([]) == []


@pytest.mark.parametrize(
    ("kind", "field_class"),
    [
        (QuestionKind.SHORT_TEXT, forms.CharField),
        (QuestionKind.LONG_TEXT, forms.CharField),
        (QuestionKind.NUMBER, forms.DecimalField),
        (QuestionKind.SINGLE, forms.ChoiceField),
        (QuestionKind.MULTIPLE, forms.MultipleChoiceField),
        (QuestionKind.CHECKBOX, forms.BooleanField),
        (QuestionKind.FILE, RuledFileField),
    ],
)
def test_each_kind_has_its_field(kind, field_class):
    field = question_field(_q(kind, choices="Oui\nNon"), file_rules=RULES)
    assert isinstance(field, field_class)


def test_heading_is_no_field_and_cannot_be_required():
    assert question_field(_q(QuestionKind.HEADING), file_rules=RULES) is None
    with pytest.raises(ValidationError):
        _q(QuestionKind.HEADING, required=True).clean()
    with pytest.raises(ValidationError):
        _q(QuestionKind.SINGLE, choices="Seul choix").clean()


def test_answers_round_trip():
    number = _q(QuestionKind.NUMBER)
    assert answer_value(number, Decimal("12.50")) == "12.50"
    assert answer_initial(number, "12.50") == Decimal("12.50")
    assert answer_display(number, "12.50") == "12.50"
    many = _q(QuestionKind.MULTIPLE, choices="A\nB")
    assert answer_value(many, ("A", "B")) == ["A", "B"]
    assert answer_display(many, ["A", "B"]) == "A, B"
    tick = _q(QuestionKind.CHECKBOX)
    assert answer_value(tick, True) is True
    assert answer_display(tick, True) == "Oui"
    text = _q(QuestionKind.SHORT_TEXT)
    assert answer_value(text, "  bonjour ") == "bonjour"
    assert answer_display(text, "") == ""


def test_stored_answers_skip_files_and_headings():
    questions = [
        SurveyQuestion(pk=1, kind=QuestionKind.SHORT_TEXT, label="Nom du lieu"),
        SurveyQuestion(pk=2, kind=QuestionKind.FILE, label="Plan"),
        SurveyQuestion(pk=3, kind=QuestionKind.HEADING, label="Partie 2"),
        SurveyQuestion(pk=4, kind=QuestionKind.CHECKBOX, label="J'accepte"),
    ]
    cleaned = {"q_1": " Parc ", "q_2": SimpleUploadedFile("plan.pdf", b"x"), "q_4": False}
    assert stored_answers(questions, cleaned) == {"1": "Parc", "4": False}


@pytest.mark.parametrize(
    ("kind", "stored"),
    [
        (QuestionKind.SHORT_TEXT, "Un banc"),
        (QuestionKind.LONG_TEXT, "Deux lignes\nde texte"),
        (QuestionKind.NUMBER, "12.50"),
        (QuestionKind.SINGLE, "Oui"),
        (QuestionKind.MULTIPLE, ["Oui", "Peut-être"]),
        (QuestionKind.CHECKBOX, True),
        (QuestionKind.CHECKBOX, False),
    ],
)
def test_a_stored_answer_posted_again_is_stored_the_same(kind, stored):
    """Restoring a stored answer into a draft (``answer_as_data``) then submitting the draft
    stores the same answer: what an author does not touch when editing does not change."""
    question = _q(kind, choices="Oui\nNon\nPeut-être")
    form_class = type(
        "OneQuestion",
        (forms.Form,),
        {question.field_name: question_field(question, file_rules=RULES)},
    )
    posted = answer_as_data(stored)
    form = form_class({} if posted in ("", None) else {question.field_name: posted})
    assert form.is_valid(), form.errors
    assert stored_answers([question], form.cleaned_data) == {"7": stored}


def test_no_answer_is_not_posted_again():
    assert answer_as_data(None) is None


def test_types_a_browser_would_render_are_never_accepted_whatever_the_organiser_lists():
    rules = FileRules.parse("pdf, SVG, .html, htm, js, png", 5)
    assert rules.extensions == ("pdf", "png")
    for name in ("plan.svg", "page.html", "x.js"):
        with pytest.raises(ValidationError):
            rules.check(SimpleUploadedFile(name, b"<svg onload=alert(1)>"))
    rules.check(SimpleUploadedFile("plan.pdf", b"%PDF-1.4"))
