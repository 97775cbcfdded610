from allauth.account.signals import email_confirmed
from django.dispatch import receiver

from . import services


@receiver(email_confirmed)
def publish_pending_contributions(request, email_address, **kwargs):
    services.contributions_publish_for(user=email_address.user)
