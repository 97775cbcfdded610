"""Selection steps for the browser tests: a collect step's proposals put to the vote."""

from __future__ import annotations

from palabre.components.selection.models import Selection
from palabre.components.selection.tests.conftest import make_collect, make_selection

from . import seed


def selection(*, n: int = 5, costs=None, **rules) -> Selection:
    seed.base_content()
    collect = make_collect(n=n, costs=costs)
    titles = [
        "Un jardin partagé au pied des tours",
        "Des bancs ombragés place du Marché",
        "Une boîte à livres par quartier",
        "Une piste cyclable entre la gare et le lycée",
        "Une fresque sur le mur du gymnase",
        "Des fontaines à boire dans les parcs",
    ]
    for proposal, title in zip(collect.proposals.order_by("number"), titles, strict=False):
        proposal.title = title
        proposal.save()
    return make_selection(collect=collect, **rules)
