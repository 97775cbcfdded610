"""Writes of the collect step (house rule 3): keyword-only, one transaction each.

A proposal is written as a ``Draft`` first (``draft_save``: what was typed, and the files that
passed the checks), then submitted from it (``proposal_submit``): nothing typed is lost when a
submission is refused. Organiser actions (statuses, official answers, exports, presets) write
an action-log row and tell the proposal's followers.
"""

from __future__ import annotations

import html

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, UnidentifiedImageError

from palabre.core import limits, pagecache, richtext
from palabre.core.params import parse_ids
from palabre.core.services import action_log_record
from palabre.participation import services as participation
from palabre.participation.formbuilder import answer_as_data
from palabre.participation.requirements import has_confirmed_email

from . import permissions, selectors
from .forms import FILE_FIELDS, ProposalForm
from .models import (
    Builtin,
    Collect,
    Draft,
    DraftFile,
    FormField,
    Preset,
    Proposal,
    ProposalFile,
    ProposalStatus,
)

# Preset → (reference prefix, {built-in field: required}) in form order.
PRESETS = {
    Preset.CALL: (
        "AP",
        {
            Builtin.TITLE: True,
            Builtin.SUMMARY: True,
            Builtin.BODY: True,
            Builtin.THEME: False,
            Builtin.DISTRICT: False,
            Builtin.ADDRESS: False,
            Builtin.COST: False,
            Builtin.ILLUSTRATION: False,
            Builtin.ATTACHMENTS: False,
        },
    ),
    Preset.BUDGET: (
        "BP",
        {
            Builtin.TITLE: True,
            Builtin.SUMMARY: True,
            Builtin.BODY: True,
            Builtin.THEME: True,
            Builtin.CATEGORY: False,
            Builtin.DISTRICT: True,
            Builtin.ADDRESS: False,
            Builtin.COST: True,
            Builtin.ILLUSTRATION: False,
            Builtin.ATTACHMENTS: False,
        },
    ),
    Preset.IDEAS: (
        "ID",
        {Builtin.TITLE: True, Builtin.BODY: True, Builtin.THEME: False},
    ),
}

DEFAULT_STATUSES = [
    (gettext_lazy("Recevable"), "#1d6b3a", True),
    (gettext_lazy("Non recevable"), "#8a1c1c", True),
    (gettext_lazy("En cours d'étude"), "#7a4b00", False),
    (gettext_lazy("Lauréat"), "#1f4e8c", True),
]


class Refused(ValidationError):
    """An action refused by a permission; the message says why."""


class DraftTooLarge(ValidationError):
    """A text far beyond its limit: not even kept as a draft (the page shows it again)."""


def draft_ceiling(limit: int | None) -> int:
    """How long a text a draft keeps: over its limit (the form then says by how much, and the
    author shortens it without losing anything), but not without bound — twice the limit, and
    at least a body's limit for any field."""
    return max(2 * (limit or limits.BODY), limits.BODY)


class InvalidProposal(ValidationError):
    """A submission that does not pass the form: ``form`` holds the errors to show."""

    def __init__(self, form):
        super().__init__(_("Le formulaire contient des erreurs."))
        self.form = form


def _check(decision) -> None:
    if not decision:
        raise Refused(decision.reason)


# -- configuration ----------------------------------------------------------------------------


def _preset_fields(collect: Collect, preset: str) -> None:
    fields = PRESETS[preset][1]
    existing = {ff.key: ff for ff in collect.form_fields.all()}
    for position, key in enumerate(Builtin.values, start=1):
        enabled = key in fields
        ff = existing.get(key) or FormField(collect=collect, key=key)
        ff.enabled = enabled
        ff.required = fields.get(key, False)
        ff.position = (list(fields).index(key) + 1) * 10 if enabled else 100 + position
        ff.save()


def _default_statuses(collect: Collect) -> None:
    if collect.statuses.exists():
        return
    for position, (name, colour, public) in enumerate(DEFAULT_STATUSES, start=1):
        ProposalStatus.objects.create(
            collect=collect, name=str(name), colour=colour, public=public, position=position
        )


@transaction.atomic
def collect_create(*, step, preset: str = Preset.CALL, actor=None) -> Collect:
    """The settings of a collect step, with the preset's fields and the default statuses."""
    collect = Collect.objects.filter(step=step).first()
    if collect is not None:
        return collect
    prefix = PRESETS[preset][0]
    collect = Collect.objects.create(step=step, preset=preset, reference_prefix=prefix)
    _preset_fields(collect, preset)
    _default_statuses(collect)
    if actor is not None:
        action_log_record(
            actor=actor, action="collect_create", obj=collect, changes={"preset": preset}
        )
    return collect


def collect_ensure(*, step) -> Collect:
    """The settings of a collect step, created with the default preset on its first use
    (a step added in the back office has none until its page is first shown)."""
    collect = selectors.collect_for_step(step)
    if collect is None:
        collect = collect_create(step=step)
        collect.step = step
    return collect


@transaction.atomic
def collect_apply_preset(*, actor, collect: Collect, preset: str) -> Collect:
    """Reset the built-in fields to a preset (custom questions are kept)."""
    if preset not in PRESETS:
        raise ValidationError(_("Modèle inconnu."))
    collect.preset = preset
    collect.save(update_fields=["preset"])
    _preset_fields(collect, preset)
    _default_statuses(collect)
    action_log_record(
        actor=actor, action="collect_apply_preset", obj=collect, changes={"preset": preset}
    )
    transaction.on_commit(pagecache.bump)
    return collect


# -- drafts -------------------------------------------------------------------------------------


def build_form(collect: Collect, *, draft: Draft | None = None, data=None, initial=None):
    """The proposal form of ``collect`` (files kept with ``draft`` count as answered)."""
    config = selectors.form_config(collect)
    kept: dict[str, list[DraftFile]] = {}
    if draft is not None and draft.pk:
        for f in draft.files.all():
            kept.setdefault(f.field, []).append(f)
    return ProposalForm(
        data,
        initial=initial,
        collect=collect,
        form_fields=config["form_fields"],
        questions=config["questions"],
        categories=config["categories"],
        kept=kept,
    )


def _field_rules(form, name):
    field = form.fields.get(name)
    return getattr(field, "rules", None)


def _check_image(upload) -> None:
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ValidationError(
            _("Le fichier « %(name)s » n'est pas une image lisible.") % {"name": upload.name}
        ) from exc
    finally:
        upload.seek(0)


@transaction.atomic
def draft_save(
    *,
    author,
    collect: Collect,
    draft: Draft | None = None,
    proposal: Proposal | None = None,
    data,
    files=None,
    remove: list | None = None,
) -> tuple[Draft, dict[str, list[str]]]:
    """Keep what the author typed, and the uploads that pass the checks.

    Returns the draft and, per field, the messages of what was not kept as sent: files
    refused (type, size, count), which must be selected again, and NUL characters removed
    from a text (a database cannot store them, no one types them: they come with a paste of
    a mis-decoded file); everything else is kept.
    """
    if proposal is not None:
        _check(permissions.proposal_edit(author, proposal))
    else:
        _check(permissions.proposal_create(author, collect))
    if draft is None:
        draft = Draft(collect=collect, author=author, proposal=proposal)
    else:
        _check(permissions.draft_edit(author, draft))
        draft = Draft.objects.select_for_update().get(pk=draft.pk)
    form = build_form(collect, draft=draft if draft.pk else None)
    names = [n for n, f in form.fields.items() if n not in FILE_FIELDS and not _is_file(f)]
    multi = {n for n, f in form.fields.items() if _is_multi(f)}
    raw = {}
    nul_removed: list[str] = []
    too_large: dict[str, list[str]] = {}
    for name in names:
        if hasattr(data, "getlist"):
            # Kept whole, never cut: the form checks the limits on what was typed and says
            # the real length (the request's size is bounded by DATA_UPLOAD_MAX_MEMORY_SIZE).
            values = [str(v) for v in data.getlist(name)]
        else:
            value = data.get(name)
            values = value if isinstance(value, list) else ([] if value is None else [value])
        if any(isinstance(v, str) and "\x00" in v for v in values):
            values = [v.replace("\x00", "") if isinstance(v, str) else v for v in values]
            nul_removed.append(name)
        limit = getattr(form.fields[name], "limit", None) or limits.BODY
        ceiling = draft_ceiling(limit)
        length = max((limits.count(v) for v in values if isinstance(v, str)), default=0)
        if length > ceiling:
            too_large[name] = [
                _(
                    "Ce texte compte %(length)s caractères, bien plus que les %(limit)s "
                    "permis : le brouillon n'a pas été enregistré. Raccourcissez-le."
                )
                % {"length": limits.number(length), "limit": limits.number(limit)}
            ]
        if name in multi:
            raw[name] = values
        elif values:
            raw[name] = values[-1]
    if too_large:
        raise DraftTooLarge(too_large)
    draft.data = raw
    draft.save()

    if remove:
        draft.files.filter(pk__in=parse_ids(remove)).delete()
    refused: dict[str, list[str]] = {
        name: [
            _(
                "Des caractères nuls (invisibles, venus d'un copier-coller) ont été retirés de "
                "ce champ : relisez le texte, puis envoyez-le à nouveau."
            )
        ]
        for name in nul_removed
    }
    for name, field in form.fields.items():
        if not _is_file(field) or not files:
            continue
        uploads = files.getlist(name) if hasattr(files, "getlist") else files.get(name) or []
        if not isinstance(uploads, list):
            uploads = [uploads]
        uploads = [u for u in uploads if u]
        if not uploads:
            continue
        rules = _field_rules(form, name)
        existing = list(draft.files.filter(field=name))
        limit = collect.attachments_max_count if getattr(field, "multiple", False) else 1
        for upload in uploads:
            try:
                rules.check(upload)
                if name == "illustration":
                    _check_image(upload)
            except ValidationError as exc:
                refused.setdefault(name, []).extend(exc.messages)
                continue
            if limit == 1:
                for old in existing:
                    old.delete()
                existing = []
            elif len(existing) >= limit:
                refused.setdefault(name, []).append(
                    _("Le fichier « %(name)s » n'a pas été ajouté : %(n)d fichiers au plus.")
                    % {"name": upload.name, "n": limit}
                )
                continue
            kept = DraftFile(draft=draft, field=name, name=upload.name[:250], size=upload.size)
            kept.file.save(upload.name, upload, save=False)
            kept.save()
            existing.append(kept)
    return draft, refused


def _is_file(field) -> bool:
    from django import forms

    return isinstance(field, forms.FileField)


def _is_multi(field) -> bool:
    from django import forms

    return isinstance(field, forms.MultipleChoiceField)


@transaction.atomic
def draft_delete(*, author, draft: Draft) -> None:
    _check(permissions.draft_edit(author, draft))
    draft.delete()


def draft_for_edit(*, author, proposal: Proposal) -> Draft:
    """The author's draft of an edit of ``proposal``, started from its current content."""
    _check(permissions.proposal_edit(author, proposal))
    draft = Draft.objects.filter(author=author, proposal=proposal).first()
    if draft is not None:
        return draft
    return _draft_from_proposal(author=author, proposal=proposal)


@transaction.atomic
def _draft_from_proposal(*, author, proposal: Proposal) -> Draft:
    data = {
        "title": proposal.title,
        "summary": proposal.summary,
        "body": proposal.body,
        "theme": str(proposal.theme_id or ""),
        "category": str(proposal.category_id or ""),
        "district": str(proposal.district_id or ""),
        "address": proposal.address,
        "illustration_alt": proposal.illustration_alt,
        "latitude": "" if proposal.latitude is None else str(proposal.latitude),
        "longitude": "" if proposal.longitude is None else str(proposal.longitude),
        "cost": "" if proposal.cost is None else str(proposal.cost),
    }
    for key, value in (proposal.answers or {}).items():
        posted = answer_as_data(value)
        if posted is not None:
            data[f"q_{key}"] = posted
    draft = Draft.objects.create(
        collect=proposal.collect, author=author, proposal=proposal, data=data
    )
    if proposal.illustration:
        DraftFile.objects.create(
            draft=draft,
            field="illustration",
            file=proposal.illustration.name,
            name=proposal.illustration.name.rsplit("/", 1)[-1],
            size=0,
        )
    for f in proposal.files.all():
        DraftFile.objects.create(
            draft=draft,
            field=f"q_{f.question_id}" if f.question_id else "attachments",
            file=f.file.name,
            name=f.name,
            size=f.size,
        )
    return draft


# -- proposals ----------------------------------------------------------------------------------


def _apply(proposal: Proposal, form, draft: Draft) -> None:
    data = form.cleaned_data
    for name in ("title", "summary", "body", "address", "illustration_alt"):
        if name in form.fields:
            setattr(proposal, name, (data.get(name) or "").strip())
    for name in ("theme", "category", "district"):
        if name in form.fields:
            setattr(proposal, name, data.get(name))
    for name in ("latitude", "longitude", "cost"):
        if name in form.fields:
            setattr(proposal, name, data.get(name))
    proposal.answers = form.answers()


def _attach_files(proposal: Proposal, form, draft: Draft) -> None:
    files = list(draft.files.all())
    if "illustration" in form.fields:
        illustration = next((f for f in files if f.field == "illustration"), None)
        proposal.illustration = illustration.file.name if illustration else ""
        proposal.save(update_fields=["illustration"])
    proposal.files.all().delete()
    questions = {q.field_name: q for q in form.questions}
    rows = []
    for position, f in enumerate(files):
        if f.field == "attachments" and "attachments" in form.fields:
            question = None
        elif f.field in questions and f.field in form.fields:
            question = questions[f.field]
        else:
            continue
        rows.append(
            ProposalFile(
                proposal=proposal,
                question=question,
                file=f.file.name,
                name=f.name,
                size=f.size,
                position=position,
            )
        )
    ProposalFile.objects.bulk_create(rows)


def _validated(collect: Collect, draft: Draft):
    form = build_form(collect, draft=draft, data=draft.data)
    if not form.is_valid():
        raise InvalidProposal(form)
    return form


@transaction.atomic
def proposal_submit(*, author, draft: Draft) -> Proposal:
    """Submit a new proposal from its draft; published now if the author's email address is
    confirmed, else when it is. The draft is then deleted (its files move to the proposal)."""
    _check(permissions.draft_edit(author, draft))
    collect = (
        Collect.objects.select_for_update().select_related("step__project").get(pk=draft.collect_id)
    )
    if draft.proposal_id:
        return proposal_update(author=author, draft=draft)
    _check(permissions.proposal_create(author, collect))
    form = _validated(collect, draft)
    number = (collect.proposals.aggregate(n=Max("number"))["n"] or 0) + 1
    now = timezone.now()
    proposal = Proposal(
        collect=collect,
        author=author,
        number=number,
        reference=f"{collect.reference_prefix}-{timezone.localtime(now).year}-{number:04d}",
        created_at=now,
    )
    _apply(proposal, form, draft)
    proposal.published = has_confirmed_email(author)
    proposal.published_at = now if proposal.published else None
    proposal.save()
    _attach_files(proposal, form, draft)
    draft.delete()
    transaction.on_commit(pagecache.bump)
    return proposal


@transaction.atomic
def proposal_update(*, author, draft: Draft) -> Proposal:
    """Apply an edit draft to its proposal (while the step is open)."""
    _check(permissions.draft_edit(author, draft))
    proposal = (
        Proposal.objects.select_for_update()
        .select_related("collect__step__project")
        .get(pk=draft.proposal_id)
    )
    _check(permissions.proposal_edit(author, proposal))
    form = _validated(proposal.collect, draft)
    _apply(proposal, form, draft)
    proposal.save()
    _attach_files(proposal, form, draft)
    draft.delete()
    transaction.on_commit(pagecache.bump)
    return proposal


@transaction.atomic
def proposal_withdraw(*, author, proposal: Proposal) -> Proposal:
    _check(permissions.proposal_withdraw(author, proposal))
    proposal.state = Proposal.State.WITHDRAWN
    proposal.withdrawn_at = timezone.now()
    proposal.save(update_fields=["state", "withdrawn_at", "updated_at"])
    Draft.objects.filter(proposal=proposal).delete()
    transaction.on_commit(pagecache.bump)
    return proposal


def _lazy_format(message, **params):
    """``message % params`` rendered in the language active when it is read (each follower's)."""
    return lazy(lambda: str(message) % params, str)()


def _notify(proposal: Proposal, subject, message) -> None:
    participation.followers_notify(
        target=proposal, subject=subject, message=message, url=proposal.get_absolute_url()
    )


@transaction.atomic
def proposal_set_status(*, actor, proposals, status: ProposalStatus | None) -> int:
    """Give ``proposals`` a status (organisers; bulk). Followers hear of public statuses."""
    _check(permissions.analyse(actor))
    changed = 0
    for proposal in proposals:
        if status is not None and status.collect_id != proposal.collect_id:
            raise ValidationError(_("Ce statut n'appartient pas à l'étape de la proposition."))
        if proposal.status_id == (status.pk if status else None):
            continue
        previous = proposal.status
        proposal.status = status
        proposal.save(update_fields=["status", "updated_at"])
        action_log_record(
            actor=actor,
            action="proposal_status",
            obj=proposal,
            changes={"from": str(previous or ""), "to": str(status or "")},
        )
        if status is not None and status.public and proposal.is_visible:
            _notify(
                proposal,
                _lazy_format(
                    gettext_lazy("Nouveau statut pour « %(title)s »"), title=proposal.title
                ),
                _lazy_format(
                    gettext_lazy(
                        "La proposition %(ref)s « %(title)s » a désormais le statut : %(status)s."
                    ),
                    ref=proposal.reference,
                    title=proposal.title,
                    status=status.name,
                ),
            )
        changed += 1
    if changed:
        transaction.on_commit(pagecache.bump)
    return changed


@transaction.atomic
def proposal_answer(*, actor, proposal: Proposal, body: str) -> Proposal:
    """Publish (or change, or remove) the organisers' official answer to a proposal."""
    _check(permissions.analyse(actor))
    body = (body or "").strip()
    if body == proposal.official_answer:
        return proposal
    proposal.official_answer = body
    proposal.answered_at = timezone.now() if body else None
    proposal.save(update_fields=["official_answer", "answered_at", "updated_at"])
    action_log_record(
        actor=actor, action="proposal_answer", obj=proposal, changes={"answer": body[:500]}
    )
    if body and proposal.is_visible:
        _notify(
            proposal,
            _lazy_format(gettext_lazy("Réponse officielle à « %(title)s »"), title=proposal.title),
            _lazy_format(
                gettext_lazy(
                    "Les organisateurs ont répondu à la proposition %(ref)s « %(title)s » :\n\n"
                    "%(answer)s"
                ),
                ref=proposal.reference,
                title=proposal.title,
                answer=html.unescape(richtext.to_text(body)),
            ),
        )
    transaction.on_commit(pagecache.bump)
    return proposal


@transaction.atomic
def export_record(*, actor, collect: Collect, fmt: str) -> None:
    """An organiser downloaded the proposals with their authors' answers: log it."""
    _check(permissions.analyse(actor))
    action_log_record(actor=actor, action="collect_export", obj=collect, changes={"format": fmt})
