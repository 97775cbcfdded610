"""The collect step's demo, called by ``manage.py load_demo`` (``StepKind.demo``).

The content (the two projects, the ideas, places, texts and answers) is data:
``demo/collect.toml`` beside this module, read through ``palabre.core.demo.load_data``. This
module turns it into rows.

Two projects of the fictional city of Belleroche:

- « Budget participatif 2027 », whose open step « Dépôt des projets » holds about 220 projects from
  the demo's participants, each pinned inside its district (the districts are the demo's ring
  sectors around the centre), with a cost, a theme, a category, statuses and a few official
  answers, comments and follows;
- « Boîte à idées : Belleroche au quotidien », an idea box (title, text, theme) with 30 ideas.

How it writes (house rule 3): the steps' settings through ``collect_create`` then
``loader.upsert``; every proposal through the participants' own services (``draft_save`` then
``proposal_submit``), statuses and answers through the organiser's services, comments and
follows through ``participation.services``. Creation dates are then spread over the step's
period with a plain ``update()``, so « les plus récentes » means something.

Idempotent: a proposal is keyed on its step and title, a comment on its author, target and
text; a rerun finds them and creates nothing.
"""

from __future__ import annotations

import math
import random
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType

from palabre.core.demo import ProjectSpec, load_data
from palabre.participation import services as participation
from palabre.participation.models import Comment, Follow

from . import services
from .models import Category, Collect, Preset, Proposal, Question

DATA = load_data("collect", "collect")
BUDGET = ProjectSpec.from_data(DATA["budget"]["project"])
IDEAS = ProjectSpec.from_data(DATA["ideas"]["project"])
BUDGET_SLUG = BUDGET.slug
IDEAS_SLUG = IDEAS.slug
SEED = "belleroche-collect"


def load(loader) -> list[str]:
    demo = Demo(loader)
    budget, ideas = demo.run()
    return [
        f"Dépôt de propositions : « {BUDGET.title} », {budget} projets sur la carte ; "
        f"« {IDEAS.title} », {ideas} idées."
    ]


class Demo:
    def __init__(self, loader) -> None:
        self.loader = loader
        self.participants = sorted(
            (u for u in loader.user_map.values() if u.role == u.Role.PARTICIPANT and u.is_active),
            key=lambda u: u.username,
        )
        self.admin = loader.admin

    def run(self) -> tuple[int, int]:
        budget_project = self.loader.project(BUDGET)
        ideas_project = self.loader.project(IDEAS)
        budget_step = budget_project.steps.get(slug="depot-des-projets")
        ideas_step = ideas_project.steps.get(slug="vos-idees")
        budget = self.collect(budget_step, Preset.BUDGET, intro=DATA["budget"]["intro"])
        ideas = self.collect(ideas_step, Preset.IDEAS, intro=DATA["ideas"]["intro"])
        self.budget_proposals(budget)
        self.ideas(ideas)
        return budget.proposals.count(), ideas.proposals.count()

    def collect(self, step, preset, *, intro: str) -> Collect:
        collect = services.collect_create(step=step, preset=preset, actor=self.admin)
        collect = self.loader.upsert(
            Collect,
            {"step": step},
            {
                "intro": intro,
                "map_latitude": self.loader.centre[0],
                "map_longitude": self.loader.centre[1],
                "map_zoom": 13,
            },
        )
        collect.step = step
        return collect

    # -- the participatory budget ----------------------------------------------------------

    def point_in(self, index: int, rng: random.Random) -> tuple[float, float]:
        """A point inside district ``index`` (see ``load_demo.district_polygons``)."""
        lat0, lng0 = self.loader.centre
        stretch = 1 / math.cos(math.radians(lat0))
        if index == 0:
            radius = 0.0065 * math.sqrt(rng.random())
            angle = rng.uniform(0, 360)
        else:
            sectors = len(self.loader.district_map) - 1
            a0 = 90 + (index - 1) * 360 / sectors
            angle = rng.uniform(a0 + 6, a0 + 360 / sectors - 6)
            radius = rng.uniform(0.0095, 0.0255)
        a = math.radians(angle)
        return (
            round(lat0 + radius * math.sin(a), 6),
            round(lng0 + radius * math.cos(a) * stretch, 6),
        )

    def budget_proposals(self, collect: Collect) -> None:
        data = DATA["budget"]
        categories = [
            self.loader.upsert(Category, {"collect": collect, "name": name}, {"position": i})
            for i, name in enumerate(data["categories"])
        ]
        values = dict(data["question"])
        question = self.loader.upsert(
            Question, {"collect": collect, "label": values.pop("label")}, values
        )
        existing = set(collect.proposals.values_list("title", flat=True))
        themes = self.loader.theme_map
        districts = self.loader.district_map
        created = []
        for d_index, slug in enumerate(districts):
            for place in data["places"][slug]:
                for idea in data["ideas"]:
                    pattern, theme, category = idea["pattern"], idea["theme"], idea["category"]
                    low, high = idea["cost"]
                    # One generator per project: a rerun draws the same, whatever exists.
                    rng = random.Random(f"{SEED}-{slug}-{place}-{pattern}")  # noqa: S311
                    title = pattern.format(place=f"— {place}")
                    if rng.random() < 0.35 or title in existing:
                        continue
                    lat, lng = self.point_in(d_index, rng)
                    cost = rng.randrange(low, high, 100)
                    author = rng.choice(self.participants)
                    why = rng.choice(data["whys"])
                    origin = rng.choice(question.choice_list)
                    audience = rng.choice(data["audiences"])
                    answers = {
                        "title": title,
                        "summary": data["summary"].format(
                            idea=pattern.format(place="").strip(), place=place, audience=audience
                        ),
                        "body": data["body"].format(why=why, what=title.lower(), place=place),
                        "theme": str(themes[theme].pk),
                        "category": str(categories[category].pk),
                        "district": str(districts[slug].pk),
                        "address": data["address"].format(place=place.capitalize()),
                        "latitude": str(lat),
                        "longitude": str(lng),
                        "cost": str(cost),
                        question.field_name: origin,
                    }
                    created.append(self.submit(author, collect, answers))
        self.spread_dates(collect, created)
        self.analyse(collect)
        self.discuss(collect)

    def submit(self, author, collect: Collect, data: dict) -> Proposal:
        draft, _refused = services.draft_save(author=author, collect=collect, data=data)
        return services.proposal_submit(author=author, draft=draft)

    def spread_dates(self, collect: Collect, created: list[Proposal]) -> None:
        rng = random.Random(f"{SEED}-dates-{collect.pk}")  # noqa: S311 - demo data
        step = collect.step
        span = max(1, int((self.loader.now - step.starts_at).total_seconds()))
        for proposal in created:
            when = step.starts_at + timedelta(seconds=rng.randrange(span))
            Proposal.objects.filter(pk=proposal.pk).update(created_at=when, published_at=when)

    def analyse(self, collect: Collect) -> None:
        """Statuses and answers on the oldest proposals, as the services would have given."""
        statuses = {s.name: s for s in collect.statuses.all()}
        answers = DATA["budget"]["answers"]
        oldest = list(collect.proposals.order_by("number")[:40])
        for i, proposal in enumerate(oldest):
            if proposal.status_id:
                continue
            if i % 5 == 4:
                status, answer = statuses.get("Non recevable"), answers["refused"]
            elif i % 3 == 0:
                status, answer = statuses.get("Recevable"), answers["admissible"]
            else:
                status, answer = statuses.get("En cours d'étude"), ""
            services.proposal_set_status(actor=self.admin, proposals=[proposal], status=status)
            if answer:
                services.proposal_answer(actor=self.admin, proposal=proposal, body=answer)

    def discuss(self, collect: Collect) -> None:
        rng = random.Random(f"{SEED}-talk")  # noqa: S311 - demo data, not a secret
        ct = ContentType.objects.get_for_model(Proposal)
        proposals = list(collect.proposals.order_by("number")[:60])
        existing = set(
            Comment.objects.filter(
                content_type=ct, object_id__in=[p.pk for p in proposals]
            ).values_list("author_id", "object_id", "body")
        )
        followed = set(
            Follow.objects.filter(
                content_type=ct, object_id__in=[p.pk for p in proposals]
            ).values_list("user_id", "object_id")
        )
        for proposal in proposals:
            proposal.collect = collect
            for _ in range(rng.randrange(0, 4)):
                author = rng.choice(self.participants)
                body = rng.choice(DATA["budget"]["comments"])
                if (author.pk, proposal.pk, body) not in existing:
                    participation.comment_create(author=author, target=proposal, body=body)
                    existing.add((author.pk, proposal.pk, body))
            for user in rng.sample(self.participants, 2):
                if (user.pk, proposal.pk) not in followed:
                    participation.follow_create(user=user, target=proposal)
                    followed.add((user.pk, proposal.pk))

    # -- the idea box ----------------------------------------------------------------------

    def ideas(self, collect: Collect) -> None:
        themes = self.loader.theme_map
        existing = set(collect.proposals.values_list("title", flat=True))
        created = []
        data, whys = DATA["ideas"], DATA["budget"]["whys"]
        ideas = data["ideas"]
        for i, idea in enumerate(ideas * 2):
            title = idea["title"]
            if i >= len(ideas):
                title = data["again"].format(title=title)
            if title in existing:
                continue
            author = self.participants[(i * 7) % len(self.participants)]
            answers = {
                "title": title,
                "body": data["body"].format(why=whys[i % len(whys)], title=title),
                "theme": str(themes[idea["theme"]].pk),
            }
            created.append(self.submit(author, collect, answers))
        self.spread_dates(collect, created)
