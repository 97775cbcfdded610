"""Receivers that must run however a row changes (back office, shell, services).

- Each project's step-derived fields stay in step with its steps.
- An account's votes in votes still open go with it (no ballot stuffing by deleting an
  account and signing up again), with their counts, in the deletion's own transaction.
"""

from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

from . import components
from .models import Step, User


@receiver(post_save, sender=Step)
@receiver(post_delete, sender=Step)
def refresh_project_dates(sender, instance, **kwargs):
    from .services import project_dates_refresh

    project_dates_refresh(project_ids=[instance.project_id])


@receiver(pre_delete, sender=User, dispatch_uid="core.release_votes_of_deleted_account")
def release_votes_of_deleted_account(sender, instance, **kwargs):
    """Every way an account is deleted (``Model.delete()``, a queryset's ``delete()``, the
    back office's page and bulk action) sends ``pre_delete`` inside the deletion's
    transaction, before the rows pointing to the account are nulled: every component's
    ``account_deletion`` hooks run here (``core/components.py``: the mode is "anonymise"
    unless the deletion runs inside ``account_deletion_mode("erase")``). Today's hooks remove
    the account's votes in steps not closed, with their counts.

    The account's row is locked first (PostgreSQL; SQLite has one writer at a time): a vote
    of the account committing meanwhile must take a key-share lock on it for its new ballot's
    foreign key, so it either committed before (its ballot is seen and removed below) or
    waits and fails once the account is gone. Without the lock, a ballot created between the
    removal and the deletion's ``SET NULL`` update would stay counted with no one behind it.
    """
    User.objects.select_for_update().filter(pk=instance.pk).values_list("pk").first()
    mode = components.current_deletion_mode()
    removed: dict[str, int] = {}
    for component, entry in components.account_deletions():
        count = entry.on_account_delete(user=instance, mode=mode)
        removed[component.name] = removed.get(component.name, 0) + count
    if any(removed.values()):
        # Totals of open votes went down: organisers can account for it. The account's id
        # only (no name: the person is leaving); who deleted it is in the back office's log.
        from .services import action_log_record

        action_log_record(
            actor=None,
            action="account_votes_removed",
            changes={
                "account": instance.pk,
                **{f"{name}_votes_removed": n for name, n in removed.items() if n},
            },
        )
