"""The selection step's demo, called by ``manage.py load_demo`` (``StepKind.demo``).

The content (the budgets, their projects and the proposals) is data: ``demo/selection.toml``
beside this module, read through ``palabre.core.demo.load_data``. This module turns it into
rows.

Two participatory budgets of the fictional city of Belleroche, each a project with a closed
collect step (proposals analysed, the admissible ones marked « Recevable ») then a vote:

- « Budget participatif 2026 », whose vote is open: 1,000,000 €, at most 5 projects per
  participant, the admissible projects only, results published at the end;
- « Budget participatif 2025 », whose vote is closed and whose results are published (the
  funded projects by the greedy rule, out of 500,000 €).

How it writes (house rule 3): the collects through ``collect_create``, the proposals and the
selection settings through ``loader.upsert`` (the proposals of past years have no draft to go
through), the statuses and the vote's proposals through the services, every vote through
``vote_cast`` as its participant. The closed vote is cast while its step is briefly reopened in
the demo's own transaction.

Idempotent: proposals are keyed on their collect and number, votes exist once per participant
and proposal; a rerun creates nothing.
"""

from __future__ import annotations

import random
from datetime import timedelta

from palabre.components.collect import services as collect_services
from palabre.components.collect.models import Preset, Proposal, ProposalStatus
from palabre.core.demo import ProjectSpec, StepSpec, load_data
from palabre.core.models import Step

from . import services
from .models import Ballot, ProposalsFrom, ResultsVisibility, Selection, VoteType

DATA = load_data("selection", "selection")
SEED = "belleroche-selection"


def _project(budget: dict) -> ProjectSpec:
    """One budget's project: what every budget shares (``DATA["project"]``), its own title,
    summary and dates; published five days before its collect step opens."""
    shared = DATA["project"]
    collect, vote = shared["collect_step"], shared["vote_step"]
    return ProjectSpec(
        slug=budget["slug"],
        title=budget["title"],
        summary=budget["summary"],
        body=shared["body"],
        themes=list(shared["themes"]),
        districts=list(shared["districts"]),
        published=budget["collect_dates"][0][0] - 5,
        steps=[
            StepSpec.from_data(
                {**collect, "start": budget["collect_dates"][0], "end": budget["collect_dates"][1]}
            ),
            StepSpec.from_data(
                {
                    **vote,
                    "start": budget["vote_dates"][0],
                    "end": budget["vote_dates"][1],
                    "body": budget["vote_body"],
                }
            ),
        ],
    )


def load(loader) -> list[str]:
    demo = SelectionDemo(loader)
    lines = []
    for budget in DATA["budgets"]:
        spec = _project(budget)
        selection, votes = demo.budget(spec, budget)
        lines.append(
            f"Vote : « {spec.title} », {selection.entries.count()} projets soumis au vote, "
            f"{votes} votes"
        )
    return lines


class SelectionDemo:
    def __init__(self, loader) -> None:
        self.loader = loader
        self.admin = loader.admin
        self.voters = sorted(
            (u for u in loader.user_map.values() if u.role == u.Role.PARTICIPANT and u.is_active),
            key=lambda u: u.username,
        )

    def budget(self, spec: ProjectSpec, budget: dict) -> tuple[Selection, int]:
        open_ = budget["open"]
        rng = random.Random(f"{SEED}-{spec.slug}")
        project = self.loader.project(spec)
        collect_step = project.steps.get(slug=DATA["project"]["collect_step"]["slug"])
        vote_step = project.steps.get(slug=DATA["project"]["vote_step"]["slug"])
        collect = collect_services.collect_create(
            step=collect_step, preset=Preset.BUDGET, actor=self.admin
        )
        prefix = "BP" + spec.slug[-2:]
        collect = self.loader.upsert(
            type(collect), {"step": collect_step}, {"reference_prefix": prefix}
        )
        statuses = {s.name: s for s in ProposalStatus.objects.filter(collect=collect)}
        admissible, refused = statuses.get("Recevable"), statuses.get("Non recevable")
        districts = list(self.loader.district_map.values())
        themes = self.loader.theme_map
        year = collect_step.starts_at.year
        texts = DATA["proposal"]
        for number, idea in enumerate(DATA["ideas"], start=1):
            title, theme, cost = idea["title"], idea["theme"], idea["cost"]
            author = self.voters[(number * 7) % len(self.voters)] if self.voters else None
            self.loader.upsert(
                Proposal,
                {"collect": collect, "number": number},
                {
                    "reference": f"{prefix}-{year}-{number:04d}",
                    "title": title,
                    "summary": texts["summary"].format(title=title),
                    "body": texts["body"].format(title=title),
                    "cost": cost,
                    "theme": themes.get(theme),
                    "district": districts[number % len(districts)] if districts else None,
                    # Two projects out of twenty-two were found not admissible.
                    "status": refused if number in texts["refused"] else admissible,
                    "author": author,
                    "published": True,
                    "published_at": collect_step.starts_at + timedelta(days=number),
                    "created_at": collect_step.starts_at + timedelta(days=number),
                },
            )
        settings = DATA["selection"]
        selection = self.loader.upsert(
            Selection,
            {"step": vote_step},
            {
                "collect": collect,
                "proposals_from": ProposalsFrom.CHOSEN,
                "vote_type": VoteType.BUDGET,
                "votes_max": settings["votes_max"],
                # The closed year had half the money: the greedy rule had to skip projects.
                "budget": budget["budget"],
                "threshold": settings["threshold"],
                "results_visibility": ResultsVisibility.AFTER_END,
                "anonymous_allowed": True,
                "intro": settings["intro"],
            },
        )
        selection.step = vote_step
        if admissible is not None:
            services.selection_proposals_add(
                actor=self.admin, selection=selection, status=admissible
            )
        votes = self.votes(selection, vote_step, rng, open_=open_)
        return selection, votes

    def votes(self, selection: Selection, step: Step, rng, *, open_: bool) -> int:
        """A few hundred votes from the demo's participants (once: a rerun adds none)."""
        if Ballot.objects.filter(selection=selection).exists():
            return sum(
                Ballot.objects.filter(selection=selection).values_list("votes_count", flat=True)
            )
        dates = (step.starts_at, step.ends_at)
        if not open_:  # cast while the step is briefly open, in the demo's transaction
            now = self.loader.now
            Step.objects.filter(pk=step.pk).update(
                starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=1)
            )
            step.refresh_from_db()
        entries = list(selection.entries.select_related("proposal").order_by("proposal__number"))
        weights = [1 + (i * 37 % 11) for i in range(len(entries))]
        voters = self.voters if not open_ else self.voters[: max(1, len(self.voters) * 2 // 3)]
        # The camille-like first participant keeps an empty ballot in the open vote: the demo
        # lets a visitor log in and vote from scratch.
        total = 0
        for voter in voters[1:] if open_ else voters:
            picks = set()
            for _ in range(rng.randint(2, 5)):
                picks.add(rng.choices(range(len(entries)), weights=weights)[0])
            for index in sorted(picks):
                try:
                    services.vote_cast(
                        user=voter, selection=selection, proposal_id=entries[index].proposal_id
                    )
                    total += 1
                except services.VoteRefused:
                    continue  # over the budget or unverified: the demo goes on
        if not open_:
            Step.objects.filter(pk=step.pk).update(starts_at=dates[0], ends_at=dates[1])
            step.refresh_from_db()
        return total
