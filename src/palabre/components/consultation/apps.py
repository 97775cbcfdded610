from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationConfig(AppConfig):
    name = "palabre.components.consultation"
    label = "consultation"
    verbose_name = _("Consultation")

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.models.signals import pre_delete

        from . import component  # noqa: F401 - registers the step kind

        pre_delete.connect(
            _withdraw_votes_of_deleted_account,
            sender=get_user_model(),
            dispatch_uid="consultation.withdraw_votes_of_deleted_account",
        )


def _withdraw_votes_of_deleted_account(sender, instance, **kwargs):
    from .services import votes_withdraw_for_deleted_account

    votes_withdraw_for_deleted_account(user=instance)
