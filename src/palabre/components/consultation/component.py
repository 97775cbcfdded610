"""The consultation step kind: a text in debate (sections, opinions, amendments, arguments,
sources, votes)."""

from django.utils.translation import gettext_lazy as _

from palabre.core.components import AccountDeletion, Component, StepKind

from . import services
from .models import (
    Argument,
    ArgumentVote,
    Opinion,
    OpinionVote,
    Source,
    SourceVote,
    Version,
    VersionVote,
)
from .views import step_view


def demo(loader) -> list[str]:
    """``manage.py load_demo``'s hook (imported on use: the demo is data, not code to load)."""
    from .demo import load

    return load(loader)


def withdraw_votes(*, user, mode) -> int:
    """Both modes: the account's votes in steps not closed go, with their counts."""
    return services.votes_withdraw_for_deleted_account(user=user)


COMPONENT = Component(
    name="consultation",
    label=_("Consultation"),
    step_kind=StepKind(
        kind="consultation",
        label=_("Consultation"),
        description=_("Un texte en débat : propositions, amendements, arguments, sources, votes."),
        view=step_view,
        icon="consultation",
        participatory=True,
        cacheable=True,
        url_prefix="debate",
        urls="palabre.components.consultation.urls",
    ),
    contributions=(Opinion, Version, Argument, Source),
    recompute_counters=services.counters_recompute,
    demo=demo,
    personal_data=(),
    account_deletion=(
        AccountDeletion(
            models=(OpinionVote, VersionVote, ArgumentVote, SourceVote),
            on_account_delete=withdraw_votes,
        ),
    ),
    datasets=(),
)
