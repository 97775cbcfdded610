"""Reads (house rule 4): querysets annotated and prefetched, fixed query counts."""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.core.cache import cache
from django.db import connection
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from . import phases
from .models import District, Organisation, Page, Project, Step, Theme, User


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


def with_theme_lists(projects) -> list[Project]:
    """Attach ``theme_list`` to each project of a page in one light query (no prefetch
    machinery: a card only needs the names)."""
    projects = list(projects)
    by_project: dict[int, list[Theme]] = {p.pk: [] for p in projects}
    links = (
        Project.themes.through.objects.filter(project_id__in=by_project)
        .select_related("theme")
        .order_by("theme__position", "theme__name")
    )
    for link in links:
        by_project[link.project_id].append(link.theme)
    for project in projects:
        project.theme_list = by_project[project.pk]
    return projects


def _search(qs: QuerySet[Project], text: str) -> QuerySet[Project]:
    if connection.vendor == "postgresql":
        vector = SearchVector("title", "summary", "body", config="french")
        query = SearchQuery(text, config="french", search_type="websearch")
        ids = Project.objects.annotate(search=vector).filter(search=query).values("pk")
        return qs.filter(pk__in=ids)
    terms = [t for t in text.split() if t]
    for term in terms:
        qs = qs.filter(
            Q(title__icontains=term) | Q(summary__icontains=term) | Q(body__icontains=term)
        )
    return qs


def project_detail(slug: str) -> Project:
    """The project with themes, districts and ordered steps; the view checks permission."""
    steps = Step.objects.order_by("position", "starts_at", "id")
    return Project.objects.prefetch_related("themes", "districts", Prefetch("steps", steps)).get(
        slug=slug
    )


ORGANISATION_CACHE_KEY = "core:organisation-context:v1"


def organisation_context() -> dict:
    """Organisation and footer pages, cached (invalidated by services on change)."""
    data = cache.get(ORGANISATION_CACHE_KEY)
    if data is None:
        data = {
            "organisation": Organisation.load(),
            "footer_pages": list(
                Page.objects.filter(in_footer=True).only("title", "slug", "kind", "position")
            ),
        }
        cache.set(ORGANISATION_CACHE_KEY, data, 60)
    return data


def themes_with_counts() -> QuerySet[Theme]:
    return Theme.objects.all()


def districts() -> QuerySet[District]:
    return District.objects.all()


def organisation() -> Organisation:
    return Organisation.load()


def public_profile(username: str) -> User:
    return User.objects.filter(is_active=True).get(username=username)
