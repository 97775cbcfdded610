from allauth.account.signals import email_confirmed
from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_delete
from django.dispatch import receiver

from . import services, targets


@receiver(email_confirmed)
def publish_pending_contributions(request, email_address, **kwargs):
    services.contributions_publish_for(user=email_address.user)


def forget_what_was_attached(sender, instance, **kwargs):
    """A deleted target takes its comments, follows and pending notifications with it
    (generic relations do not cascade by themselves).

    Connected per declared model by ``watch_deletions`` (``sender=model``), never for every
    model: a ``post_delete`` receiver without a sender stops Django's fast deletes everywhere,
    and deleting a step then loaded and signalled each of its thousands of vote rows.
    """
    if not targets.is_target(sender):
        return
    from .models import Comment, Follow, Notification

    key = {"content_type": ContentType.objects.get_for_model(sender), "object_id": instance.pk}
    for model in (Comment, Follow, Notification):
        model.objects.filter(**key).delete()


def watch_deletions() -> None:
    """Connect ``forget_what_was_attached`` for every contribution and target model that the
    components' manifests declare (``ParticipationConfig.ready``)."""
    for model in targets.attachable_models():
        post_delete.connect(
            forget_what_was_attached,
            sender=model,
            dispatch_uid=f"participation.forget_what_was_attached.{model._meta.label}",
        )
