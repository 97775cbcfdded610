"""The presentation step kind: a dated text, nothing to contribute."""

from django.utils.translation import gettext_lazy as _

from palabre.core.registry import StepKind, registry

from .views import step_view

PRESENTATION = registry.register(
    StepKind(
        kind="presentation",
        label=_("Présentation"),
        description=_("Un texte daté : contexte, calendrier, résultats."),
        view=step_view,
        icon="info",
        cacheable=True,
    )
)
