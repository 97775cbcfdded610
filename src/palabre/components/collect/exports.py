"""Organiser-only exports of a step's proposals: every field, every custom answer (one column
per question), as CSV (streamed) or XLSX (openpyxl in write-only mode)."""

from __future__ import annotations

import csv
import html
import tempfile
from collections.abc import Iterator

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from palabre.core import richtext
from palabre.participation.formbuilder import QuestionKind, answer_display

from .models import Collect, Proposal, Question

BATCH = 500


def _questions(collect: Collect) -> list[Question]:
    return [q for q in collect.questions.all() if not q.is_heading]


def header(collect: Collect, questions: list[Question]) -> list[str]:
    return [
        _("Référence"),
        _("Titre"),
        _("Résumé"),
        _("Description"),
        _("Thème"),
        _("Catégorie"),
        _("Quartier"),
        _("Adresse"),
        _("Latitude"),
        _("Longitude"),
        _("Coût estimé (€)"),
        _("Statut"),
        _("Réponse officielle"),
        _("État"),
        _("Publiée"),
        _("Modérée"),
        _("Auteur·rice"),
        _("Déposée le"),
        _("Pièces jointes"),
        *[q.label for q in questions],
    ]


def rows(collect: Collect) -> Iterator[list]:
    """The header, then one row per proposal (batched: memory stays flat)."""
    questions = _questions(collect)
    yield header(collect, questions)
    qs = (
        Proposal.objects.filter(collect=collect)
        .select_related("author", "theme", "category", "district", "status")
        .prefetch_related("files")
        .order_by("number")
    )
    last = 0
    while True:
        batch = list(qs.filter(number__gt=last)[:BATCH])
        if not batch:
            return
        for p in batch:
            files = list(p.files.all())
            by_question: dict[int, list[str]] = {}
            for f in files:
                if f.question_id:
                    by_question.setdefault(f.question_id, []).append(f.file.url)
            answers = p.answers or {}
            yield [
                p.reference,
                p.title,
                p.summary,
                html.unescape(richtext.to_text(p.body)),
                p.theme.name if p.theme else "",
                p.category.name if p.category else "",
                p.district.name if p.district else "",
                p.address,
                p.latitude if p.latitude is not None else "",
                p.longitude if p.longitude is not None else "",
                p.cost if p.cost is not None else "",
                p.status.name if p.status else "",
                p.official_answer,
                p.get_state_display(),
                _("oui") if p.published else _("non"),
                _("oui") if p.is_trashed else _("non"),
                p.author.username if p.author else "",
                timezone.localtime(p.created_at).strftime("%Y-%m-%d %H:%M"),
                " ".join(f.file.url for f in files if not f.question_id),
                *[
                    " ".join(by_question.get(q.pk, []))
                    if q.kind == QuestionKind.FILE
                    else answer_display(q, answers.get(str(q.pk)))
                    for q in questions
                ],
            ]
        last = batch[-1].number


def _safe(value):
    """Neutralise spreadsheet formulas typed by participants (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


class _Echo:
    def write(self, value):
        return value


def _filename(collect: Collect, ext: str) -> str:
    step = collect.step
    return f"{slugify(step.project.slug)}-{slugify(step.slug)}-propositions.{ext}"


def csv_response(collect: Collect) -> StreamingHttpResponse:
    writer = csv.writer(_Echo(), delimiter=";")

    def stream():
        yield "\ufeff"  # spreadsheets read UTF-8 with a byte-order mark
        for row in rows(collect):
            yield writer.writerow([_safe(v) for v in row])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(collect, "csv")}"'
    return response


def xlsx_response(collect: Collect) -> FileResponse:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Propositions")[:31])
    for row in rows(collect):
        sheet.append([_safe(v) for v in row])
    out = tempfile.TemporaryFile()  # noqa: SIM115 - closed by FileResponse
    workbook.save(out)
    out.seek(0)
    return FileResponse(
        out,
        as_attachment=True,
        filename=_filename(collect, "xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
