"""The selection step kind: participants vote on the proposals of a collect step."""

from django.utils.translation import gettext_lazy as _

from palabre.core import settings_tabs
from palabre.core.registry import StepKind, registry

from . import services
from .views import step_view


def demo(loader) -> list[str]:
    """``manage.py load_demo``'s hook (imported on use: the demo is data, not code to load)."""
    from .demo import load

    return load(loader)


SELECTION = registry.register(
    StepKind(
        kind="selection",
        label=_("Vote"),
        description=_(
            "Les participant·es votent sur des propositions : vote simple, budgétaire ou classé."
        ),
        view=step_view,
        icon="vote",
        participatory=True,
        cacheable=True,
        recompute_counters=services.counters_recompute,
        on_account_delete=services.votes_remove_for_user,
        demo=demo,
        urls="palabre.components.selection.urls",
        extra={"global_urls": "palabre.components.selection.global_urls"},
    )
)

settings_tabs.register("selection_my_votes", _("Mes votes"), 40)
