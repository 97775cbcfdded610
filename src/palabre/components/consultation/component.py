"""The consultation step kind (registered with the core's step-kind registry)."""

from django.utils.translation import gettext_lazy as _

from palabre.core.registry import StepKind, registry
from palabre.participation import registry as contributions

from . import services
from .models import Argument, Opinion, Source, Version
from .views import step_view

for model in (Opinion, Version, Argument, Source):
    contributions.register(model)

CONSULTATION = registry.register(
    StepKind(
        kind="consultation",
        label=_("Consultation"),
        description=_("Un texte en débat : propositions, amendements, arguments, sources, votes."),
        view=step_view,
        icon="consultation",
        participatory=True,
        cacheable=False,
        recompute_counters=services.counters_recompute,
        urls="palabre.components.consultation.urls",
    )
)
