"""Reads (house rule 4): querysets annotated and prefetched, fixed query counts."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Count, Max, Min, Prefetch, Q, QuerySet
from django.utils import timezone

from . import pagecache, phases
from .models import District, Organisation, Page, Project, Step, Theme, User
from .pagecache import cache


def project_dates(project_ids) -> dict[int, dict]:
    """The step-derived fields of projects (cached on ``Project``), computed from their
    steps in one query."""
    rows = (
        Step.objects.filter(project_id__in=project_ids)
        .values("project_id")
        .annotate(
            first_start=Min("starts_at"),
            last_end=Max("ends_at"),
            open_ends=Count("id", filter=Q(ends_at__isnull=True)),
            step_count=Count("id"),
        )
    )
    result = {
        pk: {"first_start": None, "last_end": None, "open_ended": False, "step_count": 0}
        for pk in project_ids
    }
    for row in rows:
        result[row["project_id"]] = {
            "first_start": row["first_start"],
            "last_end": row["last_end"],
            "open_ended": row["open_ends"] > 0,
            "step_count": row["step_count"],
        }
    return result


def projects_visible_to(user) -> QuerySet[Project]:
    qs = Project.objects.all()
    if user.is_authenticated and user.is_organiser:
        return qs
    published = Q(published_at__lte=timezone.now())
    visible = Q(visibility=Project.Visibility.PUBLIC)
    if user.is_authenticated:
        visible |= Q(visibility=Project.Visibility.RESTRICTED) & (
            Q(allowed_users=user) | Q(allowed_groups__user=user)
        )
        return qs.filter(pk__in=Project.objects.filter(visible & published).values("pk"))
    return qs.filter(visible & published)


def project_list(
    user, *, theme: str = "", district: str = "", status: str = "", search: str = ""
) -> QuerySet[Project]:
    qs = projects_visible_to(user)
    if theme:
        qs = qs.filter(themes__slug=theme)
    if district:
        qs = qs.filter(districts__slug=district)
    if status in {s.value for s in phases.Status}:
        qs = qs.filter(phases.project_status_q(status))
    if search:
        qs = _search(qs, search)
    return qs.order_by("position", "-published_at", "id")


def taxonomy() -> dict:
    """Themes and districts in display order, cached until content changes (or one minute).

    Small tables read by every list page (filters, card tags, project headers): one cache
    read instead of two queries per request.
    """
    key = f"core:taxonomy:{pagecache.version()}"
    data = cache.get(key)
    if data is None:
        data = {"themes": list(Theme.objects.all()), "districts": list(District.objects.all())}
        cache.set(key, data, 60)
    return data


def _attach(projects: list[Project], kind: str, attr: str) -> None:
    """Set ``attr`` on each project: its themes or districts (``kind``) in display order,
    from the link rows (one query on the link table) and the cached taxonomy."""
    if not projects:
        return
    model = {"themes": Theme, "districts": District}[kind]
    through = getattr(Project, kind).through
    links = through.objects.filter(project_id__in=[p.pk for p in projects]).values_list(
        "project_id", f"{model._meta.model_name}_id"
    )
    by_project: dict[int, list[int]] = {p.pk: [] for p in projects}
    for project_id, pk in links:
        by_project[project_id].append(pk)
    known = {o.pk: o for o in taxonomy()[kind]}
    if any(pk not in known for pks in by_project.values() for pk in pks):
        known = {o.pk: o for o in model.objects.all()}  # created since it was cached
    rank = {pk: i for i, pk in enumerate(known)}
    for project in projects:
        pks = sorted(by_project[project.pk], key=rank.__getitem__)
        setattr(project, attr, [known[pk] for pk in pks])


def with_theme_lists(projects) -> list[Project]:
    """Attach ``theme_list`` to each project of a page (one light query on the link table;
    the themes themselves come from the cached taxonomy)."""
    projects = list(projects)
    _attach(projects, "themes", "theme_list")
    return projects


def search_vector() -> SearchVector:
    """A project's full-text document; core migration 0005 indexes this very expression."""
    return SearchVector("title", "summary", "body", config="french")


def _search(qs: QuerySet[Project], text: str) -> QuerySet[Project]:
    if connection.vendor == "postgresql":
        query = SearchQuery(text, config="french", search_type="websearch")
        ids = Project.objects.annotate(search=search_vector()).filter(search=query).values("pk")
        return qs.filter(pk__in=ids)
    terms = [t for t in text.split() if t]
    for term in terms:
        qs = qs.filter(
            Q(title__icontains=term) | Q(summary__icontains=term) | Q(body__icontains=term)
        )
    return qs


def project_detail(slug: str) -> Project:
    """The project with ``theme_list``, ``district_list`` and ordered steps; the view checks
    permission."""
    steps = Step.objects.order_by("position", "starts_at", "id")
    project = Project.objects.prefetch_related(Prefetch("steps", steps)).get(slug=slug)
    _attach([project], "themes", "theme_list")
    _attach([project], "districts", "district_list")
    return project


ORGANISATION_CACHE_KEY = "core:organisation-context:v1"


# With a shared cache (Redis), each process also keeps the context a moment in memory: every
# request needs it, and a round trip to Redis costs more than the rest of a trivial request.
# A change is seen at once by the process that made it, by the others within these seconds.
ORGANISATION_MEMO_SECONDS = 2.0
_organisation_memo: list = [0.0, None]  # [expires (monotonic), context]


def _memo_allowed() -> bool:
    return "locmem" not in settings.CACHES["pages"]["BACKEND"].lower()


def organisation_context() -> dict:
    """Organisation and footer pages, cached (invalidated by services on change)."""
    expires, data = _organisation_memo
    if data is not None and time.monotonic() < expires:
        return data
    data = cache.get(ORGANISATION_CACHE_KEY)
    if data is None:
        data = {
            "organisation": Organisation.load(),
            "footer_pages": list(
                Page.objects.filter(in_footer=True).only("title", "slug", "kind", "position")
            ),
        }
        cache.set(ORGANISATION_CACHE_KEY, data, 60)
    if _memo_allowed():
        _organisation_memo[:] = [time.monotonic() + ORGANISATION_MEMO_SECONDS, data]
    return data


def organisation_memo_clear() -> None:
    _organisation_memo[:] = [0.0, None]


def organisation_context_forget() -> None:
    """After a change: this process reads the context again (the cache key is deleted)."""
    organisation_memo_clear()
    cache.delete(ORGANISATION_CACHE_KEY)


def themes_with_counts() -> QuerySet[Theme]:
    return Theme.objects.all()


def districts() -> QuerySet[District]:
    return District.objects.all()


def organisation() -> Organisation:
    return Organisation.load()


def public_profile(username: str) -> User:
    return User.objects.filter(is_active=True).get(username=username)
