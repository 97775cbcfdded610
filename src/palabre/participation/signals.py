from allauth.account.signals import email_confirmed
from django.contrib.contenttypes.models import ContentType
from django.dispatch import receiver

from . import registry, services


@receiver(email_confirmed)
def publish_pending_contributions(request, email_address, **kwargs):
    services.contributions_publish_for(user=email_address.user)


def forget_what_was_attached(sender, instance, **kwargs):
    """A deleted target takes its comments, follows and pending notifications with it
    (generic relations do not cascade by themselves).

    Connected per registered model by ``registry`` (``sender=model``), never for every model:
    a ``post_delete`` receiver without a sender stops Django's fast deletes everywhere, and
    deleting a step then loaded and signalled each of its thousands of vote rows.
    """
    if not registry.is_target(sender):
        return
    from .models import Comment, Follow, Notification

    key = {"content_type": ContentType.objects.get_for_model(sender), "object_id": instance.pk}
    for model in (Comment, Follow, Notification):
        model.objects.filter(**key).delete()
