"""The selection step's demo, called by ``manage.py load_demo`` (``StepKind.demo``).

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
from palabre.core.management.commands.load_demo import DISTRICTS, ProjectSpec, StepSpec
from palabre.core.models import Step

from . import services
from .models import Ballot, ProposalsFrom, ResultsVisibility, Selection, VoteType

SEED = "belleroche-selection"

IDEAS = [
    ("Une piste cyclable entre la gare et le lycée", "mobilite", 148_000),
    ("Un jardin partagé au pied des tours", "environnement", 38_000),
    ("Des fontaines à boire dans les parcs", "urbanisme", 42_000),
    ("Une aire de jeux inclusive", "sport", 135_000),
    ("Cinquante arbres fruitiers dans les écoles", "environnement", 27_500),
    ("Une boîte à livres par quartier", "culture", 9_600),
    ("Des toilettes publiques accessibles", "urbanisme", 118_000),
    ("Un abri vélo sécurisé à la gare", "mobilite", 44_000),
    ("Une fresque participative sur le mur du gymnase", "culture", 16_800),
    ("Des agrès de sport en plein air", "sport", 57_000),
    ("Un éclairage solaire du chemin de halage", "environnement", 69_000),
    ("Des bancs ombragés place du Marché", "urbanisme", 14_200),
    ("Un composteur collectif par quartier", "environnement", 12_400),
    ("Un kiosque à musique au parc", "culture", 139_000),
    ("Des passages piétons éclairés près des écoles", "mobilite", 76_000),
    ("Un terrain de pétanque aux Tilleuls", "sport", 21_000),
    ("Des nichoirs et un hôtel à insectes", "environnement", 3_900),
    ("Une salle de répétition pour les jeunes", "culture", 149_000),
    ("Des bornes de réparation de vélos", "mobilite", 8_700),
    ("Une ombrière végétalisée dans la cour de l'école", "education", 92_000),
    ("Une table de ping-pong au square", "sport", 4_800),
    ("Un potager pédagogique au collège", "education", 18_500),
]


def _project(slug, title, summary, collect_dates, vote_dates, vote_body) -> ProjectSpec:
    return ProjectSpec(
        slug=slug,
        title=title,
        summary=summary,
        body="<p>Chaque année, Belleroche consacre un million d’euros à des projets proposés et "
        "choisis par sa population. Les services ont étudié chaque projet déposé ; les projets "
        "recevables sont soumis au vote.</p>",
        themes=["democratie-locale", "environnement", "mobilite", "culture", "sport"],
        districts=[d[0] for d in DISTRICTS],
        published=collect_dates[0][0] - 5,
        steps=[
            StepSpec(
                "depot-des-projets",
                "Dépôt des projets",
                *collect_dates,
                "<p>Les habitantes et les habitants ont déposé leurs projets.</p>",
                kind="collect",
            ),
            StepSpec("vote", "Vote", *vote_dates, vote_body, kind="selection"),
        ],
    )


OPEN = _project(
    "budget-participatif-2026",
    "Budget participatif 2026 : votez pour vos projets",
    "Un million d’euros, vingt projets recevables : choisissez-en jusqu’à cinq.",
    ((-90, 9), (-40, 23)),
    ((-5, 9), (20, 23)),
    "<p>Choisissez jusqu’à cinq projets, dans la limite du budget d’un million d’euros. Les "
    "résultats seront publiés à la fin du vote.</p>",
)
CLOSED = _project(
    "budget-participatif-2025",
    "Budget participatif 2025 : les lauréats",
    "Le vote est terminé : découvrez les projets financés.",
    ((-420, 9), (-370, 23)),
    ((-330, 9), (-300, 23)),
    "<p>Le vote est terminé. Merci aux habitantes et aux habitants qui ont voté !</p>",
)


def load(loader) -> list[str]:
    demo = SelectionDemo(loader)
    lines = []
    for spec, open_ in ((OPEN, True), (CLOSED, False)):
        selection, votes = demo.budget(spec, open_=open_)
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

    def budget(self, spec: ProjectSpec, *, open_: bool) -> tuple[Selection, int]:
        rng = random.Random(f"{SEED}-{spec.slug}")
        project = self.loader.project(spec)
        collect_step = project.steps.get(slug="depot-des-projets")
        vote_step = project.steps.get(slug="vote")
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
        for number, (title, theme, cost) in enumerate(IDEAS, start=1):
            author = self.voters[(number * 7) % len(self.voters)] if self.voters else None
            self.loader.upsert(
                Proposal,
                {"collect": collect, "number": number},
                {
                    "reference": f"{prefix}-{year}-{number:04d}",
                    "title": title,
                    "summary": f"{title} : un projet déposé par une habitante ou un habitant.",
                    "body": f"<p>{title}. Le coût a été vérifié par les services de la Ville.</p>",
                    "cost": cost,
                    "theme": themes.get(theme),
                    "district": districts[number % len(districts)] if districts else None,
                    # Two projects out of twenty-two were found not admissible.
                    "status": refused if number in (7, 18) else admissible,
                    "author": author,
                    "published": True,
                    "published_at": collect_step.starts_at + timedelta(days=number),
                    "created_at": collect_step.starts_at + timedelta(days=number),
                },
            )
        selection = self.loader.upsert(
            Selection,
            {"step": vote_step},
            {
                "collect": collect,
                "proposals_from": ProposalsFrom.CHOSEN,
                "vote_type": VoteType.BUDGET,
                "votes_max": 5,
                # The closed year had half the money: the greedy rule had to skip projects.
                "budget": 1_000_000 if open_ else 500_000,
                "threshold": 10,
                "results_visibility": ResultsVisibility.AFTER_END,
                "anonymous_allowed": True,
                "intro": "Cochez jusqu’à cinq projets. Le compteur vous indique le budget "
                "qui vous reste ; vous pouvez changer d’avis jusqu’à la fin du vote.",
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
