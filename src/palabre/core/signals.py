"""Keep each project's step-derived fields in step with its steps, however they change."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Step


@receiver(post_save, sender=Step)
@receiver(post_delete, sender=Step)
def refresh_project_dates(sender, instance, **kwargs):
    from .services import project_dates_refresh

    project_dates_refresh(project_ids=[instance.project_id])
