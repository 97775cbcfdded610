"""Writes of the core (house rule 3): keyword-only, one transaction, an action-log row."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from . import pagecache
from .models import ActionLog, Organisation, Page, Project, User
from .selectors import organisation_context_forget, project_dates


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value.pk)
    if (
        isinstance(value, (list, tuple, set))
        or hasattr(value, "__iter__")
        and not isinstance(value, (str, bytes, dict))
    ):
        return [_jsonable(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def action_log_record(
    *, actor, action: str, obj: models.Model | None = None, changes: dict | None = None
) -> ActionLog:
    """Record what an organiser did. Call inside the transaction of the change itself."""
    return ActionLog.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:250] if obj is not None else "",
        changes={k: _jsonable(v) for k, v in (changes or {}).items()},
    )


def _invalidate(obj: models.Model) -> None:
    if isinstance(obj, (Organisation, Page)):
        transaction.on_commit(organisation_context_forget)
    transaction.on_commit(pagecache.bump)


@transaction.atomic
def content_save(
    *, actor, obj: models.Model, created: bool, changes: dict | None = None, save=None
) -> models.Model:
    """Save an organiser-edited object (project, step, theme, page…) and log it.

    ``save`` lets a caller (the Django admin) pass its own save routine, e.g. one that also
    saves many-to-many relations; it runs inside the same transaction as the log row.
    """
    (save or obj.save)()
    action_log_record(
        actor=actor, action="create" if created else "update", obj=obj, changes=changes
    )
    _invalidate(obj)
    return obj


@transaction.atomic
def content_delete(*, actor, obj: models.Model) -> None:
    action_log_record(actor=actor, action="delete", obj=obj)
    _invalidate(obj)
    obj.delete()


@transaction.atomic
def profile_update(*, user: User, data: dict) -> User:
    """A participant edits their own public profile."""
    fields = [k for k in data if k in {"username", "bio", "avatar", "zip_code", "website"}]
    for key in fields:
        setattr(user, key, data[key])
    user.full_clean(exclude=["password"])
    user.save(update_fields=fields or None)
    return user


@transaction.atomic
def user_register(*, user: User, charter_accepted: bool) -> User:
    """Called by the sign-up adapter once allauth has created the user."""
    if charter_accepted:
        user.charter_accepted_at = timezone.now()
        user.save(update_fields=["charter_accepted_at"])
    return user


@transaction.atomic
def user_set_role(*, actor, user: User, role: str) -> User:
    user.role = role
    user.is_staff = role in {User.Role.MODERATOR, User.Role.ADMINISTRATOR} or user.is_superuser
    user.save(update_fields=["role", "is_staff"])
    action_log_record(actor=actor, action="set_role", obj=user, changes={"role": role})
    return user


def user_set_language(*, user: User, language: str) -> User:
    """Remember the participant's language (for emails sent to them)."""
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


def project_dates_refresh(*, project_ids, fix: bool = True) -> list[str]:
    """Recompute the step-derived fields of projects; return the drifts found."""
    drifts = []
    ids = list(project_ids)
    computed = project_dates(ids)
    for project in Project.objects.filter(pk__in=ids).only(
        *computed.get(ids[0], {}) if ids else ()
    ):
        wanted = computed[project.pk]
        changed = {k: v for k, v in wanted.items() if getattr(project, k) != v}
        if changed:
            drifts += [
                f"Project #{project.pk} {k}: {getattr(project, k)} ≠ {v}"
                for k, v in changed.items()
            ]
            if fix:
                Project.objects.filter(pk=project.pk).update(**changed)
    if drifts and fix:
        transaction.on_commit(pagecache.bump)
    return drifts
