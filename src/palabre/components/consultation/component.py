"""The consultation step kind (registered with the core's step-kind registry)."""

from django.utils.translation import gettext_lazy as _

from palabre.core.registry import StepKind, registry
from palabre.participation import registry as contributions

from . import services
from .models import Argument, Opinion, Source, Version
from .views import step_view

for model in (Opinion, Version, Argument, Source):
    contributions.register(model)


def demo(loader) -> list[str]:
    """``manage.py load_demo``'s hook (imported on use: the demo is data, not code to load)."""
    from .demo import load

    return load(loader)


CONSULTATION = registry.register(
    StepKind(
        kind="consultation",
        label=_("Consultation"),
        description=_("Un texte en débat : propositions, amendements, arguments, sources, votes."),
        view=step_view,
        icon="consultation",
        participatory=True,
        cacheable=True,
        recompute_counters=services.counters_recompute,
        on_account_delete=services.votes_withdraw_for_deleted_account,
        demo=demo,
        urls="palabre.components.consultation.urls",
    )
)
