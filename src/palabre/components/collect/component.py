"""The collect step kind: calls for projects, participatory-budget submissions, idea boxes."""

from django.utils.translation import gettext_lazy as _

from palabre.core import settings_tabs
from palabre.core.registry import StepKind, registry
from palabre.participation import registry as contributions

from .models import Proposal
from .views import step_view

contributions.register(Proposal)
settings_tabs.register("collect_drafts", _("Mes brouillons"), 30)


def demo(loader) -> list[str]:
    """``manage.py load_demo``'s hook (imported on use: the demo is data, not code to load)."""
    from .demo import load

    return load(loader)


COLLECT = registry.register(
    StepKind(
        kind="collect",
        label=_("Dépôt de propositions"),
        description=_(
            "Les participant·es déposent des propositions par un formulaire que vous "
            "composez : appel à projets, budget participatif, boîte à idées."
        ),
        view=step_view,
        icon="collect",
        participatory=True,
        # The anonymous list is the same for everyone (the random order's seed included)
        # until content changes or the page cache expires; its links then carry that seed.
        cacheable=True,
        demo=demo,
        urls="palabre.components.collect.urls",
        extra={"global_urls": "palabre.components.collect.global_urls"},
    )
)
