#!/usr/bin/env python
"""Seed one collect step with 10,000 proposals, for the benchmarks.

    DATABASE_URL=... .venv/bin/python bench/collect_seed.py [--proposals 10000]

On an empty database (themes, districts and 200 authors made here when missing): one public
project with an open participatory-budget collect step (``collect_create``: the preset's
fields and statuses), and ``--proposals`` published proposals bulk-created (no services:
what ``proposal_submit`` would leave, in seconds), each with a theme, a district, a category,
a status, a cost, a pin and a custom answer; 3 comments on one proposal in ten.
For a throwaway database: it refuses to run twice on the same one.
Prints ``SEED-JSON {...}`` last.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palabre.settings.base")

PROJECT_SLUG = "budget-bench"
STEP_SLUG = "depot"
BATCH = 2000

WORDS = [
    "jardin",
    "banc",
    "arbre",
    "fontaine",
    "piste",
    "vélo",
    "école",
    "square",
    "fresque",
    "kiosque",
    "lumière",
    "ombre",
    "compost",
    "abri",
    "terrain",
    "jeux",
    "livres",
    "nichoir",
    "marché",
    "place",
    "rue",
    "quartier",
    "pelouse",
    "verger",
]


def seed(*, proposals: int) -> dict:
    import django

    django.setup()
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from palabre.components.collect import services
    from palabre.components.collect.models import Category, Preset, Proposal, Question
    from palabre.core.models import District, Project, Step, Theme, User
    from palabre.participation.models import Comment

    if Project.objects.filter(slug=PROJECT_SLUG).exists():
        raise SystemExit(f"{PROJECT_SLUG} exists already: seed a fresh database")
    started = time.monotonic()
    rng = random.Random(20260)  # noqa: S311 - benchmark data
    now = timezone.now()
    project = Project.objects.create(
        title="Budget participatif (banc d'essai)",
        slug=PROJECT_SLUG,
        summary="10 000 projets déposés.",
        visibility=Project.Visibility.PUBLIC,
        published_at=now - timedelta(days=30),
    )
    step = Step.objects.create(
        project=project,
        position=1,
        title="Dépôt des projets",
        slug=STEP_SLUG,
        kind="collect",
        starts_at=now - timedelta(days=30),
        ends_at=now + timedelta(days=30),
    )
    from palabre.core import services as core_services

    core_services.project_dates_refresh(project_ids=[project.pk])
    collect = services.collect_create(step=step, preset=Preset.BUDGET)
    categories = [
        Category.objects.create(collect=collect, name=n, position=i)
        for i, n in enumerate(["Espace public", "Nature", "Équipement", "Animation"])
    ]
    question = Question.objects.create(
        collect=collect,
        kind="single",
        label="Porté par",
        choices="Une personne\nUn collectif\nUne association",
        position=95,
    )
    themes = list(Theme.objects.all()) or [
        Theme.objects.create(name=f"Thème {i}", slug=f"theme-bench-{i}") for i in range(8)
    ]
    districts = list(District.objects.all()) or [
        District.objects.create(name=f"Quartier {i}", slug=f"quartier-bench-{i}") for i in range(6)
    ]
    statuses = list(collect.statuses.all())
    User.objects.bulk_create(
        [
            User(username=f"bench-author-{i}", email=f"bench-author-{i}@example.org")
            for i in range(200)
        ]
    )
    authors = list(
        User.objects.filter(username__startswith="bench-author-").values_list("pk", flat=True)
    )
    rows = []
    for n in range(1, proposals + 1):
        words = rng.sample(WORDS, 4)
        title = f"{words[0].capitalize()} et {words[1]} : projet n° {n}"
        rows.append(
            Proposal(
                collect=collect,
                author_id=rng.choice(authors),
                number=n,
                reference=f"BP-2026-{n:05d}",
                title=title,
                summary=f"Un {words[2]} et un {words[3]} pour le quartier.",
                body=f"<p>{' '.join(rng.choices(WORDS, k=60))}.</p>",
                theme=rng.choice(themes),
                district=rng.choice(districts),
                category=rng.choice(categories),
                status=rng.choice([*statuses, None, None]),
                cost=rng.randrange(1000, 150_000, 100),
                latitude=46.2 + rng.uniform(-0.025, 0.025),
                longitude=2.9 + rng.uniform(-0.035, 0.035),
                answers={str(question.pk): rng.choice(question.choice_list)},
                published=True,
                published_at=now - timedelta(minutes=n),
                created_at=now - timedelta(minutes=n),
            )
        )
    Proposal.objects.bulk_create(rows, batch_size=BATCH)
    ct = ContentType.objects.get_for_model(Proposal)
    ids = list(collect.proposals.values_list("pk", flat=True))
    comments = [
        Comment(
            content_type=ct,
            object_id=pk,
            author_id=rng.choice(authors),
            body="Bonne idée !",
            published=True,
            published_at=now,
        )
        for pk in ids[::10]
        for _ in range(3)
    ]
    Comment.objects.bulk_create(comments, batch_size=BATCH)
    hot = ids[len(ids) // 2]
    return {
        "project": PROJECT_SLUG,
        "step": STEP_SLUG,
        "proposal": hot,
        "proposals": len(ids),
        "comments": len(comments),
        "seconds": round(time.monotonic() - started, 1),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--proposals", type=int, default=10_000)
    args = parser.parse_args(argv)
    print("SEED-JSON " + json.dumps(seed(proposals=args.proposals)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
