#!/usr/bin/env python
"""Add N generic public projects to a demo database, for the foundation benchmark.

    DATABASE_URL=... .venv/bin/python manage.py load_demo
    DATABASE_URL=... .venv/bin/python bench/foundation_seed.py [--projects 1000]

Run after ``manage.py load_demo`` (it reuses the demo's themes, districts and administrator).
Bulk-creates ``--projects`` projects (no services: what ``content_save`` would leave, in
seconds), slugs ``projet-bench-0001``…, two dated steps each (open, upcoming or closed in turn),
one theme and one district each, then refreshes their cached step dates and writes one
action-log row for the lot. Projects already there are left alone: a rerun adds none.
Prints ``SEED-JSON {...}`` last.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palabre.settings.base")

BENCH_PREFIX = "projet-bench-"
STEP_KIND = "presentation"  # the kind that needs no settings (the core demo's default)


def add_projects(count: int, *, now: datetime | None = None) -> int:
    """``count`` generic public projects, two steps each, in bulk; the number created.

    Needs Django set up and the demo loaded (``manage.py load_demo``).
    """
    from django.db import transaction
    from django.utils import timezone

    from palabre.core import services
    from palabre.core.models import District, Project, Step, Theme, User

    if count < 0:
        raise ValueError("--projects must be positive or zero")
    themes = list(Theme.objects.order_by("position", "pk"))
    districts = list(District.objects.order_by("position", "pk"))
    admin = User.objects.filter(role=User.Role.ADMINISTRATOR).order_by("pk").first()
    if not (themes and districts and admin):
        raise SystemExit("no themes, districts or administrator: run manage.py load_demo first")
    today = timezone.localtime(now or timezone.now()).replace(
        hour=0, minute=0, second=0, microsecond=0
    )

    def at(days: int, hour: int) -> datetime:
        return today + timedelta(days=days, hours=hour)

    slugs = [f"{BENCH_PREFIX}{i:04d}" for i in range(1, count + 1)]
    existing = set(Project.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    missing = [(i, slug) for i, slug in enumerate(slugs, start=1) if slug not in existing]
    if not missing:
        return 0
    body = (
        "<p>Projet généré pour les tests de charge. Il présente un contexte, des "
        "objectifs et un calendrier.</p><ul><li>premier objectif ;</li>"
        "<li>second objectif.</li></ul>"
    )
    with transaction.atomic():
        Project.objects.bulk_create(
            [
                Project(
                    title=f"Projet de test n° {i:04d} : {themes[i % len(themes)].name.lower()}",
                    slug=slug,
                    summary=f"Projet de test n° {i} pour mesurer les performances de la "
                    "plateforme avec beaucoup de projets.",
                    body=body,
                    visibility=Project.Visibility.PUBLIC,
                    published_at=at(-1 - i % 365, 8),
                    position=10,  # after the hand-written demo projects
                )
                for i, slug in missing
            ],
            batch_size=500,
        )
        ids = dict(
            Project.objects.filter(slug__in=[s for _i, s in missing]).values_list("slug", "pk")
        )
        steps, theme_links, district_links = [], [], []
        for i, slug in missing:
            pk = ids[slug]
            shift = i % 20
            pattern = i % 4  # 0, 1: open; 2: upcoming; 3: closed
            if pattern == 2:
                first, second = ((5 + shift, 30 + shift), (31 + shift, 60 + shift))
            elif pattern == 3:
                first, second = ((-90 - shift, -60 - shift), (-59 - shift, -30 - shift))
            else:
                first, second = ((-40 - shift, -11), (-10, 20 + shift))
            for position, (start, end) in enumerate((first, second), start=1):
                steps.append(
                    Step(
                        project_id=pk,
                        position=position,
                        title=f"Étape {position}",
                        slug=f"etape-{position}",
                        kind=STEP_KIND,
                        starts_at=at(start, 9),
                        ends_at=at(end, 18),
                        body="<p>Étape générée pour les tests de charge.</p>",
                    )
                )
            theme_links.append(
                Project.themes.through(project_id=pk, theme_id=themes[i % len(themes)].pk)
            )
            district_links.append(
                Project.districts.through(
                    project_id=pk, district_id=districts[i % len(districts)].pk
                )
            )
        Step.objects.bulk_create(steps, batch_size=1000)
        # bulk_create sends no signal: cache the new projects' step dates explicitly.
        services.project_dates_refresh(project_ids={step.project_id for step in steps})
        Project.themes.through.objects.bulk_create(theme_links, batch_size=1000)
        Project.districts.through.objects.bulk_create(district_links, batch_size=1000)
        services.action_log_record(
            actor=admin,
            action="bulk_create",
            changes={
                "model": "core.project",
                "count": len(missing),
                "slugs": f"{missing[0][1]} … {missing[-1][1]}",
            },
        )
    return len(missing)


def seed(*, projects: int) -> dict:
    import django

    django.setup()
    from palabre.core.models import Project

    started = time.monotonic()
    created = add_projects(projects)
    return {
        "created": created,
        "projects": Project.objects.filter(slug__startswith=BENCH_PREFIX).count(),
        "seconds": round(time.monotonic() - started, 1),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", type=int, default=1000, metavar="N")
    args = parser.parse_args(argv)
    if args.projects < 0:
        parser.error("--projects must be positive or zero")
    result = seed(projects=args.projects)
    print(
        f"Benchmark projects: {result['created']} created, {result['projects']} in all "
        f"({result['seconds']} s)."
    )
    print("SEED-JSON " + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
