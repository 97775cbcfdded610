"""Reads of the collect step (house rule 4): fixed query counts whatever the volume."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import F, IntegerField, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Mod

from palabre.participation.selectors import annotate_comment_count

from .models import Category, Collect, Draft, FormField, Proposal, ProposalStatus, Question, Sort

MAP_PIN_LIMIT = 1000


def collect_for_step(step) -> Collect | None:
    """The settings of a collect step (``None`` before its first use: see
    ``services.collect_ensure``), with ``step`` set on it (no query for it)."""
    collect = Collect.objects.filter(step=step).first()
    if collect is not None:
        collect.step = step
    return collect


def form_config(collect: Collect) -> dict:
    """Built-in fields, questions and categories of a step's form (three queries, cached on
    the instance so that building the form twice in a request costs nothing more)."""
    cached = getattr(collect, "_form_config", None)
    if cached is None:
        cached = {
            "form_fields": list(FormField.objects.filter(collect=collect)),
            "questions": list(Question.objects.filter(collect=collect)),
            "categories": Category.objects.filter(collect=collect),
        }
        collect._form_config = cached
    return cached


def statuses(collect: Collect, *, public_only: bool) -> list[ProposalStatus]:
    qs = ProposalStatus.objects.filter(collect=collect)
    return list(qs.filter(public=True) if public_only else qs)


PRIME = 100_003


def _random_key(seed: int):
    """Portable "random but stable for a visitor" order: ``(id × a + b) mod p``, with the
    multiplier ``a`` drawn from the seed, so that two seeds give two different orders."""
    a = 1 + (seed * 7919) % (PRIME - 1)
    return Mod(F("id") * Value(a, output_field=IntegerField()) + Value(seed), Value(PRIME))


def _search(qs: QuerySet, text: str) -> QuerySet:
    text = text.strip()
    if not text:
        return qs
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        vector = SearchVector("title", "summary", "body", "reference", config="french")
        query = SearchQuery(text, config="french", search_type="websearch")
        qs = qs.annotate(search=vector)
        words = Q(search=query)
    else:
        words = Q(title__icontains=text) | Q(summary__icontains=text) | Q(body__icontains=text)
    # A moderated proposal's text is hidden: searching it must not find the proposal.
    return qs.filter((words & Q(trashed_at__isnull=True)) | Q(reference__iexact=text))


def visible_proposals(collect: Collect) -> QuerySet[Proposal]:
    """Published, not withdrawn proposals of a step (moderated ones stay, shown as such)."""
    return Proposal.objects.filter(collect=collect, published=True, state=Proposal.State.SUBMITTED)


def _filtered(collect: Collect, filters: dict) -> QuerySet[Proposal]:
    qs = visible_proposals(collect)
    if filters.get("theme"):
        qs = qs.filter(theme__slug=filters["theme"])
    if filters.get("district"):
        qs = qs.filter(district__slug=filters["district"])
    if filters.get("category"):
        qs = qs.filter(category_id=filters["category"])
    if filters.get("status"):
        qs = qs.filter(status_id=filters["status"], status__public=True)
    return _search(qs, filters.get("q") or "")


def _ordered(qs: QuerySet[Proposal], sort: str, seed: int) -> QuerySet[Proposal]:
    if sort == Sort.NEWEST:
        return qs.order_by("-created_at", "-id")
    if sort == Sort.COMMENTS:
        return annotate_comment_count(qs).order_by("-comment_count", "-id")
    if sort == Sort.COST_ASC:
        return qs.order_by(F("cost").asc(nulls_last=True), "id")
    if sort == Sort.COST_DESC:
        return qs.order_by(F("cost").desc(nulls_last=True), "id")
    return qs.order_by(_random_key(seed).asc(), "id")


def proposal_page(
    collect: Collect, *, filters: dict, sort: str, seed: int, number, per_page: int
) -> Page:
    """One page of cards, in three queries whatever the number of proposals: the count, the
    page's ids (sorted on narrow rows), then those proposals with their theme, category,
    district, status and comment count."""
    ids_qs = _ordered(_filtered(collect, filters), sort, seed).values_list("pk", flat=True)
    page = Paginator(ids_qs, per_page).get_page(number)
    ids = list(page.object_list)
    rows = annotate_comment_count(
        Proposal.objects.filter(pk__in=ids)
        .select_related("theme", "district", "category", "status")
        .defer(
            "body",
            "answers",
            "official_answer",
            "theme__description",
            "district__description",
            "district__geojson",
        )
    )
    by_pk = {p.pk: p for p in rows} if ids else {}
    page.object_list = [by_pk[pk] for pk in ids if pk in by_pk]
    return page


def map_pins(collect: Collect, *, filters: dict, bbox=None) -> tuple[list, bool]:
    """``[id, lat, lng, title, reference, colour]`` of pinned proposals (one query), newest
    first, at most ``MAP_PIN_LIMIT``; and whether more were left out."""
    qs = _filtered(collect, filters).filter(
        latitude__isnull=False, longitude__isnull=False, trashed_at__isnull=True
    )
    if bbox is not None:
        south, west, north, east = bbox
        qs = qs.filter(
            latitude__gte=south, latitude__lte=north, longitude__gte=west, longitude__lte=east
        )
    rows = list(
        qs.order_by("-created_at", "-id").values_list(
            "id", "latitude", "longitude", "title", "reference", "status__colour", "status__public"
        )[: MAP_PIN_LIMIT + 1]
    )
    pins = [
        [pk, round(lat, 6), round(lng, 6), title, ref, colour if public else None]
        for pk, lat, lng, title, ref, colour, public in rows[:MAP_PIN_LIMIT]
    ]
    return pins, len(rows) > MAP_PIN_LIMIT


def proposal_detail(collect: Collect, pk: int) -> Proposal:
    return (
        Proposal.objects.select_related("author", "theme", "district", "category", "status")
        .prefetch_related("files")
        .filter(collect=collect)
        .get(pk=pk)
    )


def drafts_of(user) -> QuerySet[Draft]:
    """A participant's drafts, with their step and project (one query)."""
    return (
        Draft.objects.filter(author=user)
        .select_related("collect__step__project", "proposal")
        .prefetch_related(Prefetch("files"))
    )


def latest_draft(user, collect: Collect, *, proposal=None) -> Draft | None:
    if not user.is_authenticated:
        return None
    qs = Draft.objects.filter(author=user, collect=collect)
    qs = qs.filter(proposal=proposal) if proposal is not None else qs.filter(proposal__isnull=True)
    return qs.order_by("-updated_at", "-id").first()


def my_drafts_in(user, collect: Collect) -> list[Draft]:
    if not user.is_authenticated:
        return []
    return list(Draft.objects.filter(author=user, collect=collect, proposal__isnull=True)[:10])
