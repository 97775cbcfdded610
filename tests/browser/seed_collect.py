"""A participatory-budget submission step, seeded through the services, for the browser tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from palabre.components.collect import services
from palabre.components.collect.models import Builtin, Collect, Preset, Proposal, Question
from palabre.core.models import District, Project, Step, Theme

from . import seed


@dataclass
class CollectContent:
    project: Project
    step: Step
    collect: Collect
    themes: list[Theme]
    districts: list[District]
    proposals: list[Proposal]
    questions: dict[str, Question]


def budget(*, proposals: int = 3) -> CollectContent:
    seed.base_content()
    now = timezone.now()
    themes = [
        Theme.objects.create(name="Environnement", slug="environnement", colour="#166534"),
        Theme.objects.create(name="Mobilités", slug="mobilites", colour="#1f4e8c"),
    ]
    districts = [
        District.objects.create(name="Centre-ville", slug="centre-ville", position=1),
        District.objects.create(name="Les Coteaux", slug="les-coteaux", position=2),
    ]
    project = Project.objects.create(
        title="Budget participatif 2027",
        slug="budget-participatif",
        summary="Un million d'euros pour vos projets de quartier.",
        visibility=Project.Visibility.PUBLIC,
        published_at=now - timedelta(days=10),
    )
    step = Step.objects.create(
        project=project,
        position=1,
        title="Dépôt des projets",
        slug="depot",
        kind="collect",
        starts_at=now - timedelta(days=7),
        ends_at=now + timedelta(days=21),
        body="<p>Proposez un projet pour votre quartier.</p>",
    )
    collect = services.collect_create(step=step, preset=Preset.BUDGET)
    collect.map_latitude, collect.map_longitude, collect.map_zoom = 46.2, 2.9, 13
    collect.save()
    attachments = collect.form_fields.get(key=Builtin.ATTACHMENTS)
    attachments.enabled = True
    attachments.save()
    questions = {
        "part": Question.objects.create(
            collect=collect, kind="heading", label="Pour aller plus loin", position=200
        ),
        "carrier": Question.objects.create(
            collect=collect,
            kind="short_text",
            label="Porteur du projet",
            help_text="Vous, un collectif, une association…",
            position=210,
        ),
        "why": Question.objects.create(
            collect=collect, kind="long_text", label="Pourquoi ce projet ?", position=220
        ),
        "public": Question.objects.create(
            collect=collect,
            kind="single",
            label="Public visé",
            choices="Enfants\nFamilles\nAînés",
            required=True,
            position=230,
        ),
        "seasons": Question.objects.create(
            collect=collect,
            kind="multiple",
            label="Saisons d'usage",
            choices="Printemps\nÉté\nAutomne\nHiver",
            position=240,
        ),
        "agree": Question.objects.create(
            collect=collect,
            kind="checkbox",
            label="J'accepte que mon projet soit publié",
            required=True,
            position=250,
        ),
    }
    author = seed.participant("leila", "leila@example.org")
    made = []
    for i in range(proposals):
        draft, _refused = services.draft_save(
            author=author,
            collect=collect,
            data={
                "title": f"Un jardin partagé n° {i + 1}",
                "summary": "Des bacs de culture pour les voisins.",
                "body": "<p>Un lieu pour jardiner ensemble.</p>",
                "theme": str(themes[0].pk),
                "district": str(districts[i % 2].pk),
                "address": "Square des Lilas",
                "latitude": str(46.2 + i / 500),
                "longitude": str(2.9 - i / 500),
                "cost": str(5000 + i * 1000),
                questions["public"].field_name: "Familles",
                questions["agree"].field_name: "on",
            },
        )
        made.append(services.proposal_submit(author=author, draft=draft))
    seed._clear_caches()
    return CollectContent(project, step, collect, themes, districts, made, questions)
