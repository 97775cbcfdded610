"""The collect step kind: calls for projects, participatory-budget submissions, idea boxes."""

from django.utils.translation import gettext_lazy as _

from palabre.core.components import Component, Export, SettingsTab, StepKind

from .models import Proposal
from .views import step_view


def demo(loader) -> list[str]:
    """``manage.py load_demo``'s hook (imported on use: the demo is data, not code to load)."""
    from .demo import load

    return load(loader)


COMPONENT = Component(
    name="collect",
    label=_("Dépôt de propositions"),
    step_kind=StepKind(
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
        url_prefix="proposals",
        urls="palabre.components.collect.urls",
    ),
    global_urls="palabre.components.collect.global_urls",
    settings_tabs=(SettingsTab(url_name="collect_drafts", label=_("Mes brouillons"), position=30),),
    contributions=(Proposal,),
    exports=(
        Export(
            name="proposals",
            label=_("Propositions"),
            formats=("csv", "xlsx"),
            url_name="collect:export",
            format_kwarg="fmt",
        ),
    ),
    demo=demo,
    personal_data=(),
    account_deletion=(),
    datasets=(),
)
