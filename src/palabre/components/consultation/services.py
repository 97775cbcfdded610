"""Writes of the consultation (house rule 3): keyword-only, one transaction each."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from palabre.core import limits, pagecache
from palabre.core import services as core_services
from palabre.core.models import User
from palabre.core.services import action_log_record
from palabre.participation.requirements import has_confirmed_email

from . import permissions
from .models import (
    VALUE_FIELD,
    Argument,
    ArgumentVote,
    Opinion,
    OpinionVote,
    Section,
    Source,
    SourceVote,
    Version,
    VersionVote,
    VoteValue,
    lock_row,
    section_of,
)


class Refused(ValidationError):
    """An action refused by a permission; the message says why."""


def _check(decision) -> None:
    if not decision:
        raise Refused(decision.reason)


def _lock_user(user) -> None:
    """Serialise one participant's writes (double clicks, several browsers)."""
    User.objects.select_for_update().filter(pk=user.pk).first()


def _publish_state(author, obj) -> None:
    obj.author = author
    obj.published = has_confirmed_email(author)
    obj.published_at = timezone.now() if obj.published else None


def _clean(
    value: str, field: str, limit: int | None = None, *, required: bool = True, length=None
) -> str:
    """``value`` stripped; refused when required and empty, or over ``limit`` (measured by
    ``length``: ``limits.count`` by default, ``limits.visible_length`` for an HTML body)."""
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("Ce champ est obligatoire.")})
    if limit:
        limits.check(value, limit, field=field, length=length)
    return value


def _body(value: str, limit: int = limits.BODY) -> str:
    """An opinion's or amendment's body: HTML built from the typed text (``plain_to_html``),
    measured on its visible text, which is never longer than what was typed."""
    return _clean(value, "body", limit, length=limits.visible_length)


def _saved(obj):
    obj.full_clean(exclude=["author"])
    obj.save()
    if obj.published:
        obj.recount_parents()
        transaction.on_commit(pagecache.bump)
    return obj


@transaction.atomic
def opinion_create(*, author, section: Section, title: str, body: str) -> Opinion:
    _check(permissions.opinion_create(author, section))
    opinion = Opinion(
        section=section,
        title=_clean(title, "title", limits.TITLE),
        body=_body(body),
        position=(section.opinions.count() + 1),
    )
    _publish_state(author, opinion)
    return _saved(opinion)


# What an author may change: field → (limit, required). Counters, publication, moderation and
# the parent are never editable here; nor is an argument's kind (it would move the argument
# from one of its parent's counters to the other). An opinion's or amendment's body is HTML,
# measured by ``_body``; an amendment's limit depends on the text it rewrites.
EDITABLE = {
    Opinion: {"title": (limits.TITLE, True), "body": (limits.BODY, True)},
    Version: {
        "title": (limits.TITLE, True),
        "body": (None, True),
        "explanation": (limits.EXPLANATION, False),
    },
    Argument: {"body": (limits.ARGUMENT, True)},
    Source: {
        "title": (limits.TITLE, True),
        "link": (limits.LINK, True),
        "category": (None, True),
        "body": (limits.SOURCE_DESCRIPTION, False),
    },
}
HTML_BODIES = (Opinion, Version)


@transaction.atomic
def contribution_update(*, author, obj, **fields):
    """The author edits an opinion, version, argument or source while the step is open."""
    _check(permissions.contribution_edit(author, obj))
    editable = EDITABLE[type(obj)]
    unknown = set(fields) - set(editable)
    if unknown:
        raise TypeError(f"not editable: {', '.join(sorted(unknown))}")
    # Lock the row and read its counters now: the caller's copy may predate votes cast since,
    # and saving it whole would write those stale counters back.
    current = type(obj).objects.select_for_update().get(pk=obj.pk)
    for name, value in fields.items():
        limit, required = editable[name]
        if name == "body" and isinstance(current, HTML_BODIES):
            if isinstance(current, Version):
                limit = limits.version_body(current.opinion.body)
            value = _body(value, limit)
        else:
            value = _clean(value, name, limit, required=required)
        setattr(current, name, value)
    has_votes = getattr(current, "votes_total", 0) or getattr(current, "votes_count", 0)
    if has_votes:
        current.edited_after_votes = True
    current.full_clean(exclude=["author"])
    current.save(update_fields=[*fields, "edited_after_votes", "updated_at"])
    for field in obj._meta.concrete_fields:  # the caller's copy, relations kept
        if not field.is_relation:
            setattr(obj, field.attname, getattr(current, field.attname))
    transaction.on_commit(pagecache.bump)
    return obj


@transaction.atomic
def version_create(*, author, opinion: Opinion, title: str, body: str, explanation: str = ""):
    _check(permissions.version_create(author, opinion))
    version = Version(
        opinion=opinion,
        title=_clean(title, "title", limits.TITLE),
        body=_body(body, limits.version_body(opinion.body)),
        explanation=_clean(explanation, "explanation", limits.EXPLANATION, required=False),
    )
    _publish_state(author, version)
    return _saved(version)


def _attach(obj, parent) -> None:
    if isinstance(parent, Opinion):
        obj.opinion = parent
    elif isinstance(parent, Version):
        obj.version = parent
    else:
        raise TypeError(parent)


@transaction.atomic
def argument_create(*, author, parent, kind: str, body: str) -> Argument:
    _check(permissions.argument_create(author, parent))
    if kind not in Argument.Kind.values:
        raise ValidationError({"kind": _("Choisissez « pour » ou « contre ».")})
    argument = Argument(kind=kind, body=_clean(body, "body", limits.ARGUMENT))
    _attach(argument, parent)
    _publish_state(author, argument)
    return _saved(argument)


@transaction.atomic
def source_create(*, author, parent, title: str, link: str, category: str, body: str = ""):
    _check(permissions.source_create(author, parent))
    source = Source(
        title=_clean(title, "title", limits.TITLE),
        link=_clean(link, "link", limits.LINK),
        category=category,
        body=_clean(body, "body", limits.SOURCE_DESCRIPTION, required=False),
    )
    _attach(source, parent)
    _publish_state(author, source)
    return _saved(source)


def _valued_vote(*, user, target, vote_model, fk: str, value: str | None):
    if value is not None and value not in VoteValue.values:
        raise ValidationError(_("Ce vote n'existe pas."))
    _lock_user(user)
    existing = vote_model.objects.filter(**{fk: target, "user": user}).first()
    model = type(target)
    if existing is not None:
        if existing.value == value:
            return existing
        model.objects.filter(pk=target.pk).update(
            **{VALUE_FIELD[existing.value]: F(VALUE_FIELD[existing.value]) - 1}
        )
        if value is None:
            existing.delete()
            return None
        existing.value = value
        existing.save(update_fields=["value"])
    elif value is None:
        return None
    else:
        existing = vote_model.objects.create(**{fk: target, "user": user, "value": value})
    model.objects.filter(pk=target.pk).update(**{VALUE_FIELD[value]: F(VALUE_FIELD[value]) + 1})
    return existing


def _section_widget_value(section: Section, value: str | None) -> str | None:
    if value is not None and section.vote_widget == "simple" and value != VoteValue.OK:
        raise ValidationError(_("Sur cette section, on ne peut que soutenir une proposition."))
    return value


@transaction.atomic
def opinion_vote(*, user, opinion: Opinion, value: str | None) -> OpinionVote | None:
    """Cast, change (another value) or withdraw (``value=None``) one's vote."""
    _check(permissions.vote(user, opinion.section))
    if not opinion.published or opinion.is_trashed:
        raise Refused(_("On ne peut pas voter sur cette contribution."))
    value = _section_widget_value(opinion.section, value)
    return _valued_vote(
        user=user, target=opinion, vote_model=OpinionVote, fk="opinion", value=value
    )


@transaction.atomic
def version_vote(*, user, version: Version, value: str | None) -> VersionVote | None:
    _check(permissions.vote(user, version.opinion.section))
    opinion = version.opinion
    if not version.published or version.is_trashed or not opinion.published or opinion.is_trashed:
        raise Refused(_("On ne peut pas voter sur cette contribution."))
    value = _section_widget_value(version.opinion.section, value)
    return _valued_vote(
        user=user, target=version, vote_model=VersionVote, fk="version", value=value
    )


def _toggle(*, user, target, vote_model, fk: str, on: bool):
    _check(permissions.small_vote(user, target.parent))
    if not target.published or target.is_trashed:
        raise Refused(_("On ne peut pas voter sur cette contribution."))
    _lock_user(user)
    existing = vote_model.objects.filter(**{fk: target, "user": user}).first()
    if on and existing is None:
        vote_model.objects.create(**{fk: target, "user": user})
        type(target).objects.filter(pk=target.pk).update(votes_count=F("votes_count") + 1)
    elif not on and existing is not None:
        existing.delete()
        type(target).objects.filter(pk=target.pk).update(votes_count=F("votes_count") - 1)
    return on


@transaction.atomic
def argument_vote(*, user, argument: Argument, on: bool) -> bool:
    return _toggle(user=user, target=argument, vote_model=ArgumentVote, fk="argument", on=on)


@transaction.atomic
def source_vote(*, user, source: Source, on: bool) -> bool:
    return _toggle(user=user, target=source, vote_model=SourceVote, fk="source", on=on)


@transaction.atomic
def votes_withdraw_for_deleted_account(*, user) -> int:
    """Before an account is deleted: its votes in steps not closed yet are withdrawn, counts
    included (DESIGN.md); a closed step's results are left as they are. Returns the number.

    A closed step's rows stay, their ``user`` set to NULL by the deletion (``SET_NULL``):
    they are still counted, so its counters keep matching its rows.
    """
    withdrawn = 0
    valued = [
        (OpinionVote, "opinion", "opinion__section__consultation__step"),
        (VersionVote, "version", "version__opinion__section__consultation__step"),
    ]
    for vote_model, fk, step_path in valued:
        votes = vote_model.objects.filter(user=user).select_related(step_path)
        for vote in votes:
            target = getattr(vote, fk)
            if section_of(target).consultation.step.status == "closed":
                continue
            field = VALUE_FIELD[vote.value]
            type(target).objects.filter(pk=target.pk).update(**{field: F(field) - 1})
            vote.delete()
            withdrawn += 1
    toggles = [(ArgumentVote, "argument"), (SourceVote, "source")]
    for vote_model, fk in toggles:
        votes = vote_model.objects.filter(user=user).select_related(
            f"{fk}__opinion__section__consultation__step",
            f"{fk}__version__opinion__section__consultation__step",
        )
        for vote in votes:
            target = getattr(vote, fk)
            if section_of(target).consultation.step.status == "closed":
                continue
            type(target).objects.filter(pk=target.pk).update(votes_count=F("votes_count") - 1)
            vote.delete()
            withdrawn += 1
    if withdrawn:
        transaction.on_commit(pagecache.bump)
    return withdrawn


# A heading: "## Titre", or an article number alone on its line, optionally followed by a
# separator and a title ("Article 1er", "Art. 2", "Article L. 123-4 – Objet", "Article 3 bis :
# Définitions", "Article premier"). A sentence that merely starts with "Article 12 du code…"
# is body text, not a heading.
ARTICLE_NUMBER = (
    r"(?:premier|unique|(?:[LRDA]\.?\s*)?[0-9IVXLC]+(?:[-.][0-9]+)*"
    r"(?:\s*(?:er|bis|ter|quater|quinquies|sexies|septies|octies|nonies|decies|[A-Z]))?)"
)
HEADING = re.compile(
    r"^\s*(?:#{1,6}\s+(?P<md>.+?)"
    rf"|(?P<art>(?:Article|Art\.)\s+{ARTICLE_NUMBER}\b\.?(?:\s*[-–—:.]\s*.*?)?))\s*$",
    re.I,
)


def _lines(text: str) -> list[str]:
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")


def text_before_headings(text: str) -> str:
    """What comes before the first heading (``split_text`` leaves it out)."""
    before = []
    for line in _lines(text):
        if HEADING.match(line):
            break
        before.append(line)
    return "\n".join(before).strip()


def split_text(text: str) -> list[tuple[str, str]]:
    """Cut a pasted text into (heading, body HTML) pairs, one per article or heading."""
    parts: list[tuple[str, list[str]]] = []
    for line in _lines(text):
        match = HEADING.match(line)
        if match:
            parts.append(((match.group("md") or match.group("art")).strip(), []))
        elif parts:
            parts[-1][1].append(line)
    result = []
    for title, lines in parts:
        paragraphs = [p.strip() for p in "\n".join(lines).split("\n\n") if p.strip()]
        body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
        result.append((title, body))
    return result


@transaction.atomic
def consultation_import_text(*, actor, section: Section, text: str) -> list[Opinion]:
    """The organiser pastes a text with headings and gets one opinion per article."""
    _check(permissions.consultation_import(actor))
    parts = split_text(text)
    if not parts:
        raise ValidationError(
            _("Aucun titre trouvé : commencez chaque article par « Article 1 » ou « ## Titre ».")
        )
    before = text_before_headings(text)
    if before:
        # Never drop pasted text silently: the organiser adds a heading or removes it.
        raise ValidationError(
            _(
                "Le texte avant le premier titre ne serait pas importé (« %(start)s… ») : "
                "ajoutez-lui un titre (« ## Préambule ») ou retirez-le."
            )
            % {"start": before[:60]}
        )
    for title, _body_html in parts:
        # A heading is an opinion's title: too long, it is refused, never cut.
        try:
            limits.check(title, limits.TITLE)
        except ValidationError as exc:
            raise ValidationError(
                _("Le titre « %(start)s… » : %(error)s")
                % {"start": title[:60], "error": exc.messages[0]}
            ) from exc
    start = section.opinions.count()
    opinions = []
    for i, (title, body) in enumerate(parts, start=1):
        opinion = Opinion(
            section=section,
            title=title,
            body=body or "<p></p>",
            position=start + i,
            author=actor,
            published=True,
            published_at=timezone.now(),
        )
        opinion.save()
        opinions.append(opinion)
    opinions[0].recount_parents()
    action_log_record(
        actor=actor, action="consultation_import", obj=section, changes={"opinions": len(parts)}
    )
    transaction.on_commit(pagecache.bump)
    return opinions


def _section_recount(section_id: int) -> None:
    lock_row(Section, section_id)
    Section.objects.filter(pk=section_id).update(
        opinions_count=Opinion.objects.filter(section_id=section_id, published=True).count()
    )


@transaction.atomic
def opinion_organiser_save(*, actor, opinion: Opinion, created: bool, changes: dict, save=None):
    """An organiser writes or edits an opinion in the back office (an article of the text).

    A new one is published at once, under the organiser's name (else it stayed unpublished
    for ever: no email confirmation ever publishes an authorless row). Moving an opinion to
    another section recounts both sections (rule 5).
    """
    previous_section_id = None
    if created:
        opinion.author = actor
        opinion.published = True
        opinion.published_at = timezone.now()
    else:
        previous_section_id = (
            Opinion.objects.filter(pk=opinion.pk).values_list("section_id", flat=True).first()
        )
    core_services.content_save(
        actor=actor, obj=opinion, created=created, changes=changes, save=save
    )
    _section_recount(opinion.section_id)
    if previous_section_id is not None and previous_section_id != opinion.section_id:
        _section_recount(previous_section_id)
    return opinion


@transaction.atomic
def opinion_delete(*, actor, opinion: Opinion) -> None:
    """An organiser deletes an opinion (its versions, arguments, sources and votes go with it)."""
    section_id = opinion.section_id
    core_services.content_delete(actor=actor, obj=opinion)
    _section_recount(section_id)


def _count(model, fk: str, **filters):
    rows = (
        model.objects.filter(**{fk: OuterRef("pk")}, **filters)
        .order_by()
        .values(fk)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows), 0)


def _expected_counters(model, vote_model, fk: str) -> dict:
    expected = {}
    if vote_model is not None:
        for value, field in VALUE_FIELD.items():
            expected[field] = _count(vote_model, fk, value=value)
        expected["arguments_for_count"] = _count(Argument, fk, published=True, kind="for")
        expected["arguments_against_count"] = _count(Argument, fk, published=True, kind="against")
        expected["sources_count"] = _count(Source, fk, published=True)
    if model is Opinion:
        expected["versions_count"] = _count(Version, "opinion", published=True)
    return expected


def counters_recompute(*, fix: bool = True) -> list[str]:
    """Recompute every cached counter from the rows; return the drifts found (rule 5)."""
    plans = [
        (Opinion, _expected_counters(Opinion, OpinionVote, "opinion")),
        (Version, _expected_counters(Version, VersionVote, "version")),
        (Argument, {"votes_count": _count(ArgumentVote, "argument")}),
        (Source, {"votes_count": _count(SourceVote, "source")}),
        (Section, {"opinions_count": _count(Opinion, "section", published=True)}),
    ]
    drifts: list[str] = []
    with transaction.atomic():
        for model, expected in plans:
            annotations = {f"expected_{name}": expr for name, expr in expected.items()}
            mismatch = Q()
            for name in expected:
                mismatch |= ~Q(**{name: F(f"expected_{name}")})
            rows = model.objects.annotate(**annotations).filter(mismatch)
            for obj in rows.values("pk", *expected, *annotations):
                changes = {}
                for name in expected:
                    if obj[name] != obj[f"expected_{name}"]:
                        drifts.append(
                            f"{model.__name__} #{obj['pk']} {name}: "
                            f"{obj[name]} ≠ {obj[f'expected_{name}']}"
                        )
                        changes[name] = obj[f"expected_{name}"]
                if fix and changes:
                    model.objects.filter(pk=obj["pk"]).update(**changes)
    return drifts
