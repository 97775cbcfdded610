"""The selection step kind: participants vote on the proposals of a collect step."""

from django.utils.translation import gettext_lazy as _

from palabre.core.components import AccountDeletion, Component, Export, SettingsTab, StepKind

from . import services
from .models import Ballot, Vote
from .views import step_view


def demo(loader) -> list[str]:
    """``manage.py load_demo``'s hook (imported on use: the demo is data, not code to load)."""
    from .demo import load

    return load(loader)


def remove_votes(*, user, mode) -> int:
    """Both modes: the account's ballots in votes not closed go, with their counts."""
    return services.votes_remove_for_user(user=user)


COMPONENT = Component(
    name="selection",
    label=_("Vote sur des propositions"),
    step_kind=StepKind(
        kind="selection",
        label=_("Vote"),
        description=_(
            "Les participant·es votent sur des propositions : vote simple, budgétaire ou classé."
        ),
        view=step_view,
        icon="vote",
        participatory=True,
        cacheable=True,
        url_prefix="vote",
        urls="palabre.components.selection.urls",
    ),
    global_urls="palabre.components.selection.global_urls",
    settings_tabs=(SettingsTab(url_name="selection_my_votes", label=_("Mes votes"), position=50),),
    exports=(
        Export(
            name="results",
            label=_("Résultats"),
            formats=("csv",),
            url_name="selection:results_csv",
        ),
    ),
    recompute_counters=services.counters_recompute,
    demo=demo,
    personal_data=(),
    account_deletion=(AccountDeletion(models=(Ballot, Vote), on_account_delete=remove_votes),),
    datasets=(),
)
