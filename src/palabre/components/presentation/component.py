"""The presentation step kind: a dated text, nothing to contribute."""

from django.utils.translation import gettext_lazy as _

from palabre.core.components import Component, StepKind

from .views import step_view

COMPONENT = Component(
    name="presentation",
    label=_("Présentation"),
    step_kind=StepKind(
        kind="presentation",
        label=_("Présentation"),
        description=_("Un texte daté : contexte, calendrier, résultats."),
        view=step_view,
        icon="info",
        cacheable=True,
    ),
    personal_data=(),
    account_deletion=(),
    datasets=(),
)
