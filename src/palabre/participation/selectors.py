"""Reads shared by every kind (house rule 4): comments, follows."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page, Paginator
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from .models import Comment, Follow

COMMENTS_PER_PAGE = 20


def _visible(queryset: QuerySet, viewer=None) -> QuerySet:
    """Published comments, and the viewer's own ones waiting for their email confirmation."""
    if viewer is not None and viewer.is_authenticated:
        return queryset.filter(Q(published=True) | Q(author=viewer))
    return queryset.filter(published=True)


def comments_for(target, page=1, *, viewer=None, per_page: int = COMMENTS_PER_PAGE) -> Page:
    """One page of ``target``'s top-level comments, newest first, each with its replies
    (oldest first) and every author loaded: three queries whatever the number of comments.

    Moderated comments stay in place (the template shows the public reason instead).
    """
    content_type = ContentType.objects.get_for_model(target)
    replies = _visible(Comment.objects.select_related("author"), viewer).order_by(
        "created_at", "pk"
    )
    top_level = (
        _visible(Comment.objects.filter(content_type=content_type, object_id=target.pk), viewer)
        .filter(parent__isnull=True)
        .select_related("author")
        .prefetch_related(Prefetch("replies", queryset=replies, to_attr="visible_replies"))
        .order_by("-created_at", "-pk")
    )
    return Paginator(top_level, per_page).get_page(page)


def comment_page_of(comment: Comment, *, per_page: int = COMMENTS_PER_PAGE) -> int:
    """The page of the comment list where ``comment`` (or the thread it answers) appears."""
    top = comment.parent if comment.parent_id else comment
    newer = Comment.objects.filter(
        content_type_id=top.content_type_id,
        object_id=top.object_id,
        parent__isnull=True,
        published=True,
    ).filter(Q(created_at__gt=top.created_at) | Q(created_at=top.created_at, pk__gt=top.pk))
    return newer.count() // per_page + 1


def comment_count(target) -> int:
    """Published comments and replies that moderation has not hidden."""
    return Comment.objects.filter(
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
        published=True,
        trashed_at__isnull=True,
    ).count()


def annotate_comment_count(queryset: QuerySet) -> QuerySet:
    """Annotate ``comment_count`` (published, not moderated, replies included) with a
    subquery, for sorts such as "most comments" without a GROUP BY on the list."""
    content_type = ContentType.objects.get_for_model(queryset.model)
    counts = (
        Comment.objects.filter(
            content_type=content_type,
            object_id=OuterRef("pk"),
            published=True,
            trashed_at__isnull=True,
        )
        .order_by()
        .values("object_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(
        comment_count=Coalesce(Subquery(counts, output_field=IntegerField()), 0)
    )


def is_following(user, target) -> bool:
    if not user.is_authenticated:
        return False
    return Follow.objects.filter(
        user=user, content_type=ContentType.objects.get_for_model(target), object_id=target.pk
    ).exists()


def follows_of(user) -> QuerySet:
    """A participant's follows, their targets loaded (one query per kind of target)."""
    return (
        Follow.objects.filter(user=user).select_related("content_type").prefetch_related("target")
    )
