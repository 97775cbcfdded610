from allauth.account.signals import email_confirmed
from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_delete
from django.dispatch import receiver

from . import registry, services


@receiver(email_confirmed)
def publish_pending_contributions(request, email_address, **kwargs):
    services.contributions_publish_for(user=email_address.user)


@receiver(post_delete)
def forget_what_was_attached(sender, instance, **kwargs):
    """A deleted target takes its comments, follows and pending notifications with it
    (generic relations do not cascade by themselves)."""
    if not registry.is_target(sender):
        return
    from .models import Comment, Follow, Notification

    key = {"content_type": ContentType.objects.get_for_model(sender), "object_id": instance.pk}
    for model in (Comment, Follow, Notification):
        model.objects.filter(**key).delete()
