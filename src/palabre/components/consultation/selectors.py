"""Reads of the consultation (house rule 4): fixed query counts whatever the volume."""

from __future__ import annotations

from django.db.models import F, IntegerField, Q, QuerySet, Value
from django.db.models.functions import Least, Mod

from palabre.core import pagecache
from palabre.core.pagecache import cache

from .models import (
    Argument,
    ArgumentVote,
    Consultation,
    Opinion,
    OpinionVote,
    Section,
    Sort,
    Source,
    SourceVote,
    Version,
    VersionVote,
)


def consultation_for_step(step) -> Consultation:
    """The step's consultation, kept on the step (one query per request however often it is
    asked for), with ``consultation.step`` the step itself: a section's URL then needs no
    query for the step and its project."""
    try:
        return step.consultation
    except Consultation.DoesNotExist:
        consultation, _created = Consultation.objects.get_or_create(step=step)
        step.consultation = consultation
        return consultation


def section_tree(consultation: Consultation) -> list[Section]:
    """Top-level sections, each with ``.subsections`` (one query)."""
    sections = list(consultation.sections.all())
    by_parent: dict[int | None, list[Section]] = {}
    for section in sections:
        by_parent.setdefault(section.parent_id, []).append(section)
    for section in sections:
        section.subsections = by_parent.get(section.pk, [])
    return by_parent.get(None, [])


def _random_key(seed: int):
    # Portable "random but stable for a visitor" order: a permutation of ids by the seed.
    return Mod(F("id") * Value(7919, output_field=IntegerField()) + Value(seed), Value(100003))


SORTS = {
    Sort.VOTES: ["-n_votes", "-id"],
    Sort.AGREE: ["-votes_ok", "-id"],
    Sort.CONTROVERSIAL: ["-controversy", "-n_votes", "-id"],
    Sort.NEWEST: ["-created_at", "-id"],
    Sort.OLDEST: ["created_at", "id"],
    Sort.ARGUMENTS: ["-n_arguments", "-id"],
}


def section_opinions(section: Section, *, sort: str, seed: int) -> QuerySet[Opinion]:
    qs = (
        Opinion.objects.filter(section=section, published=True)
        .prefetch_related("author")
        .annotate(
            n_votes=F("votes_ok") + F("votes_mitigated") + F("votes_nok"),
            n_arguments=F("arguments_for_count") + F("arguments_against_count"),
            controversy=Least("votes_ok", "votes_nok"),
        )
    )
    if sort == Sort.RANDOM:
        order = ["-pinned", _random_key(seed).asc(), "id"]
    elif sort in SORTS:
        order = ["-pinned", *SORTS[sort]]
    else:
        order = ["-pinned", "position", "id"]
    return qs.order_by(*order)


def opinion_detail(step, pk: int) -> Opinion:
    return (
        Opinion.objects.select_related("author", "section", "section__consultation")
        .filter(section__consultation__step=step, published=True)
        .get(pk=pk)
    )


def version_detail(opinion: Opinion, pk: int) -> Version:
    return (
        Version.objects.select_related("author").filter(opinion=opinion, published=True).get(pk=pk)
    )


# Through the parent's related managers: each row's ``opinion`` / ``version`` is then the
# parent instance itself (with the section, consultation, step and project the view resolved),
# so ``get_absolute_url`` on a row costs no query. Through ``Version.objects.filter(...)``
# every amendment of the list fetched its opinion, section, consultation, step and project.
#
# Authors are prefetched (one query by primary key for the page), not joined: with a JOIN,
# PostgreSQL hashed the whole users table for every list before sorting and cutting the page.


def arguments(parent, kind: str) -> QuerySet[Argument]:
    return (
        parent.arguments.filter(kind=kind, published=True)
        .prefetch_related("author")
        .order_by("-votes_count", "id")
    )


def sources(parent) -> QuerySet[Source]:
    return (
        parent.sources.filter(published=True)
        .prefetch_related("author")
        .order_by("-votes_count", "id")
    )


def versions(opinion: Opinion) -> QuerySet[Version]:
    return (
        opinion.versions.filter(published=True)
        .prefetch_related("author")
        .annotate(n_votes=F("votes_ok") + F("votes_mitigated") + F("votes_nok"))
        .order_by("-n_votes", "id")
    )


def my_values(user, vote_model, fk: str, objects) -> dict[int, str]:
    """The participant's vote value per object, for a page of objects (one query)."""
    ids = [o.pk for o in objects]
    if not user.is_authenticated or not ids:
        return {}
    rows = vote_model.objects.filter(user=user, **{f"{fk}__in": ids})
    if vote_model in (OpinionVote, VersionVote):
        return dict(rows.values_list(f"{fk}_id", "value"))
    return dict.fromkeys(rows.values_list(f"{fk}_id", flat=True), "on")


def my_small_votes(user, arguments_and_sources) -> tuple[set[int], set[int]]:
    args = [o for o in arguments_and_sources if isinstance(o, Argument)]
    srcs = [o for o in arguments_and_sources if isinstance(o, Source)]
    return (
        set(my_values(user, ArgumentVote, "argument", args)),
        set(my_values(user, SourceVote, "source", srcs)),
    )


def statistics(consultation: Consultation) -> dict:
    """Figures of the consultation, cached until content changes (or one minute)."""
    key = f"consultation:stats:{consultation.pk}:{pagecache.version()}"
    stats = cache.get(key)
    if stats is not None:
        return stats
    opinions = Opinion.objects.filter(section__consultation=consultation, published=True)
    versions_qs = Version.objects.filter(opinion__in=opinions, published=True)
    args_count = Argument.objects.filter(
        Q(opinion__in=opinions) | Q(version__in=versions_qs), published=True
    ).count()
    srcs_count = (
        Source.objects.filter(published=True, opinion__in=opinions).count()
        + Source.objects.filter(published=True, version__in=versions_qs).count()
    )
    votes = (
        OpinionVote.objects.filter(opinion__in=opinions).count()
        + VersionVote.objects.filter(version__in=versions_qs).count()
    )
    # Whoever wrote or voted anything counted above, on an article or on an amendment.
    on_either = Q(opinion__in=opinions) | Q(version__in=versions_qs)
    people = [
        opinions.values_list("author_id", flat=True),
        versions_qs.values_list("author_id", flat=True),
        Argument.objects.filter(on_either, published=True).values_list("author_id", flat=True),
        Source.objects.filter(on_either, published=True).values_list("author_id", flat=True),
        OpinionVote.objects.filter(opinion__in=opinions).values_list("user_id", flat=True),
        VersionVote.objects.filter(version__in=versions_qs).values_list("user_id", flat=True),
    ]
    authors = set()
    for ids in people:
        authors |= set(ids.order_by().distinct())
    authors.discard(None)
    stats = {
        "contributors": len(authors),
        "opinions": opinions.count(),
        "versions": versions_qs.count(),
        "arguments": args_count,
        "sources": srcs_count,
        "votes": votes,
    }
    cache.set(key, stats, 60)
    return stats
