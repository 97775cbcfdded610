#!/usr/bin/env python
"""Seed one consultation at the scale of « République numérique » (2015), for the benchmarks.

    DATABASE_URL=... .venv/bin/python bench/consultation_seed.py [--opinions 700 ...]

Everything is bulk-created (no services, no signals), then
``consultation.services.counters_recompute(fix=True)`` rebuilds every cached counter from the
rows, and ``core.services.project_dates_refresh`` the project's cached step dates: the result
is what the services would have left, in seconds rather than hours. For a throwaway database:
it refuses to run twice on the same one. Prints ``SEED-JSON {...}`` (slugs, ids, counts) last.

Shape (defaults): 5,000 participants with an unusable password; one open consultation step;
3 titles × 3 chapters of articles (organisers, d'accord / mitigé / pas d'accord) and 4 themed
sections of citizen proposals, 700 opinions in all; 600 amendments; 4,000 arguments, 500 of
them on one article (the « hot » opinion, also the most voted); 400 sources; 150,000 votes
(about 87 % on opinions, 8 % on amendments, 5 % « utile » on arguments), the opinions'
following a Zipf-like law of exponent 0.6, as a few articles draw most of the attention.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palabre.settings.base")

PROJECT_SLUG = "consultation-bench"
STEP_SLUG = "projet-de-loi"
BATCH = 5000

TITLES = [
    (
        "Titre Iᵉʳ : La circulation des données et du savoir",
        [
            "Chapitre Iᵉʳ : Économie de la donnée",
            "Chapitre II : Économie du savoir",
            "Chapitre III : Données d’intérêt général",
        ],
    ),
    (
        "Titre II : La protection des droits dans la société numérique",
        [
            "Chapitre Iᵉʳ : Environnement ouvert",
            "Chapitre II : Protection de la vie privée en ligne",
            "Chapitre III : Loyauté des plateformes",
        ],
    ),
    (
        "Titre III : L’accès au numérique",
        [
            "Chapitre Iᵉʳ : Numérique et territoires",
            "Chapitre II : Accessibilité",
            "Chapitre III : Maintien de la connexion",
        ],
    ),
]
# Citizen proposals: (title, share of the proposals).
THEMES = [
    ("Données et savoir", 0.41),
    ("Droits et libertés", 0.29),
    ("Accès et inclusion", 0.19),
    ("Autres propositions", 0.11),
]

VOCABULARY = (
    "données publiques administration ouverture licence réutilisation algorithme plateforme "
    "citoyen collectivité service numérique accès droit protection vie privée consentement "
    "loyauté information transparence recherche publication archive territoire réseau "
    "connexion accessibilité handicap inclusion médiation formation école université "
    "entreprise innovation logiciel libre format standard interopérabilité sécurité "
    "conservation traitement finalité délai décret rapport évaluation commission usager"
)
WORDS = VOCABULARY.split()
LINKS = ["de la", "du", "des", "pour les", "avec les", "dans les", "sur la", "par le", "et la"]


def sentence(rng: random.Random, low: int = 8, high: int = 22) -> str:
    words = []
    for i in range(rng.randint(low, high)):
        words.append(rng.choice(WORDS))
        if i % 3 == 2:
            words.append(rng.choice(LINKS))
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def paragraphs(rng: random.Random, count: int) -> str:
    return "".join(
        "<p>" + " ".join(sentence(rng) for _ in range(rng.randint(2, 4))) + "</p>"
        for _ in range(count)
    )


def seed(
    *,
    users: int = 5000,
    opinions: int = 700,
    versions: int = 600,
    arguments: int = 4000,
    hot_arguments: int = 500,
    sources: int = 400,
    votes: int = 150_000,
) -> dict:
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from palabre.components.consultation import services as consultation_services
    from palabre.components.consultation.models import (
        Argument,
        ArgumentVote,
        Consultation,
        Opinion,
        OpinionVote,
        Section,
        Sort,
        Source,
        Version,
        VersionVote,
        VoteWidget,
    )
    from palabre.core import services as core_services
    from palabre.core.models import Project, Step, User

    if Project.objects.filter(slug=PROJECT_SLUG).exists():
        raise SystemExit(f"project {PROJECT_SLUG!r} already there: seed a fresh database")
    if hot_arguments > arguments:
        raise SystemExit("--hot-arguments cannot exceed --arguments")

    rng = random.Random(2015)  # noqa: S311 - benchmark data
    now = timezone.now()
    started = time.monotonic()

    def when(days: float = 30) -> datetime:
        return now - timedelta(seconds=rng.uniform(600, days * 86400))

    def bulk(model, rows):
        model.objects.bulk_create(rows, batch_size=BATCH)

    with transaction.atomic():
        # -- participants -------------------------------------------------------------------
        unusable = make_password(None)
        bulk(
            User,
            [
                User(
                    username=f"bench-{i:05d}",
                    email=f"bench-{i:05d}@example.invalid",
                    password=unusable,
                    date_joined=when(60),
                )
                for i in range(1, users + 1)
            ],
        )
        user_ids = list(
            User.objects.filter(username__startswith="bench-").values_list("pk", flat=True)
        )
        organiser = User.objects.create(
            username="bench-organisation",
            email="bench-organisation@example.invalid",
            password=unusable,
            role=User.Role.ADMINISTRATOR,
        )
        # A few prolific authors write much of the text; most write once or never.
        authors = rng.sample(user_ids, min(len(user_ids), 1500))
        author_weights = [1 / (i + 1) ** 0.7 for i in range(len(authors))]

        def author() -> int:
            return rng.choices(authors, weights=author_weights)[0]

        # -- project, step, consultation, sections ----------------------------------------
        project = Project.objects.create(
            title="Projet de loi pour une ville numérique (test de charge)",
            slug=PROJECT_SLUG,
            summary="Une consultation à l’échelle de « République numérique », pour mesurer "
            "les pages de la consultation sous charge.",
            body="<p>Projet généré pour les tests de charge.</p>",
            visibility=Project.Visibility.PUBLIC,
            published_at=now - timedelta(days=31),
        )
        step = Step.objects.create(
            project=project,
            position=1,
            title="Consultation sur le projet de loi",
            slug=STEP_SLUG,
            kind="consultation",
            starts_at=now - timedelta(days=30),
            ends_at=now + timedelta(days=30),
            body="<p>Étape générée pour les tests de charge.</p>",
        )
        core_services.project_dates_refresh(project_ids=[project.pk])
        consultation = Consultation.objects.create(
            step=step, intro="<p>Consultation générée pour les tests de charge.</p>"
        )
        chapters, themes = [], []
        position = 0
        for t, (title, children) in enumerate(TITLES, start=1):
            position += 1
            parent = Section.objects.create(
                consultation=consultation,
                position=position,
                title=title,
                slug=f"titre-{t}",
                authors=Section.Authors.ORGANISERS,
                vote_widget=VoteWidget.AGREE,
                default_sort=Sort.OLDEST,
            )
            for c, child in enumerate(children, start=1):
                position += 1
                chapters.append(
                    Section.objects.create(
                        consultation=consultation,
                        parent=parent,
                        position=position,
                        title=child,
                        slug=f"titre-{t}-chapitre-{c}",
                        authors=Section.Authors.ORGANISERS,
                        vote_widget=VoteWidget.AGREE,
                        default_sort=Sort.OLDEST,
                    )
                )
        position += 1
        proposals_parent = Section.objects.create(
            consultation=consultation,
            position=position,
            title="Propositions citoyennes",
            slug="propositions",
            authors=Section.Authors.PARTICIPANTS,
            vote_widget=VoteWidget.AGREE,
        )
        for i, (title, _share) in enumerate(THEMES, start=1):
            position += 1
            themes.append(
                Section.objects.create(
                    consultation=consultation,
                    parent=proposals_parent,
                    position=position,
                    title=title,
                    slug=f"propositions-{i}",
                    authors=Section.Authors.PARTICIPANTS,
                    vote_widget=VoteWidget.AGREE,
                    default_sort=Sort.RANDOM,
                )
            )

        # -- opinions: ~10 % articles (organisers), the rest citizen proposals --------------
        articles_per_chapter = max(1, round(opinions * 0.1 / len(chapters)))
        n_articles = articles_per_chapter * len(chapters)
        n_proposals = max(0, opinions - n_articles)
        rows = []
        number = 0
        for chapter in chapters:
            for k in range(articles_per_chapter):
                number += 1
                rows.append(
                    Opinion(
                        section=chapter,
                        title=f"Article {number}",
                        body=paragraphs(rng, rng.randint(2, 4)),
                        position=k + 1,
                        author_id=organiser.pk,
                        published=True,
                        published_at=step.starts_at,
                        created_at=step.starts_at,
                    )
                )
        shares = [share for _title, share in THEMES]
        counts = [int(n_proposals * s) for s in shares]
        counts[0] += n_proposals - sum(counts)
        for theme, count in zip(themes, counts, strict=True):
            for k in range(count):
                created = when()
                rows.append(
                    Opinion(
                        section=theme,
                        title=f"Proposition : {sentence(rng, 4, 9)[:-1]}"[:200],
                        body=paragraphs(rng, rng.randint(1, 3)),
                        position=k + 1,
                        author_id=author(),
                        published=True,
                        published_at=created,
                        created_at=created,
                    )
                )
        bulk(Opinion, rows)
        opinion_rows = list(
            Opinion.objects.filter(section__consultation=consultation)
            .order_by("id")
            .values_list("pk", "section_id")
        )
        opinion_ids = [pk for pk, _s in opinion_rows]
        article_ids = opinion_ids[:n_articles]
        hot = article_ids[0]
        # Popularity: a random ranking, the hot article first.
        ranking = [hot, *rng.sample(opinion_ids[1:], len(opinion_ids) - 1)]
        popularity = {pk: 1 / (rank + 1) ** 0.6 for rank, pk in enumerate(ranking)}

        # -- amendments: on articles mostly; the hot article gets 30 -------------------------
        targets = [hot] * min(30, versions)
        # Articles are amended more; the hot article has its 30 already.
        pool = [pk for pk in article_ids * 3 + opinion_ids if pk != hot]
        pool_weights = [popularity[pk] for pk in pool]
        targets += rng.choices(pool, weights=pool_weights, k=max(0, versions - len(targets)))
        rows = []
        for opinion_id in targets:
            created = when()
            rows.append(
                Version(
                    opinion_id=opinion_id,
                    title=f"Amendement : {sentence(rng, 3, 7)[:-1]}"[:200],
                    body=paragraphs(rng, rng.randint(2, 4)),
                    explanation=sentence(rng),
                    author_id=author(),
                    published=True,
                    published_at=created,
                    created_at=created,
                )
            )
        bulk(Version, rows)
        version_ids = list(
            Version.objects.filter(opinion_id__in=opinion_ids).values_list("pk", flat=True)
        )

        # -- arguments: hot_arguments on the hot article, 5 % on amendments, the rest spread -
        on_versions = min(len(version_ids) and int(arguments * 0.05), arguments - hot_arguments)
        spread = arguments - hot_arguments - on_versions
        others = [pk for pk in opinion_ids if pk != hot]
        other_weights = [popularity[pk] for pk in others]
        parents = [("opinion", hot)] * hot_arguments
        parents += [("opinion", pk) for pk in rng.choices(others, weights=other_weights, k=spread)]
        parents += [("version", pk) for pk in rng.choices(version_ids or [0], k=on_versions)]
        rows = []
        for field, pk in parents:
            created = when()
            rows.append(
                Argument(
                    **{f"{field}_id": pk},
                    kind=rng.choices(["for", "against"], weights=[55, 45])[0],
                    body=" ".join(sentence(rng) for _ in range(rng.randint(1, 4)))[:2000],
                    author_id=author(),
                    published=True,
                    published_at=created,
                    created_at=created,
                )
            )
        bulk(Argument, rows)

        # -- sources --------------------------------------------------------------------------
        rows = []
        source_parents = [hot] * min(20, sources)
        source_parents += rng.choices(
            others, weights=other_weights, k=max(0, sources - len(source_parents))
        )
        for i, pk in enumerate(source_parents):
            created = when()
            rows.append(
                Source(
                    opinion_id=pk,
                    title=sentence(rng, 3, 8)[:200],
                    link=f"https://example.org/sources/{i}",
                    category=rng.choice(["study", "law", "press", "data", "other"]),
                    body=sentence(rng),
                    author_id=author(),
                    published=True,
                    published_at=created,
                    created_at=created,
                )
            )
        bulk(Source, rows)

        # -- votes: one per (target, user), values drawn per target ---------------------------
        values = ["ok", "mitigated", "nok"]
        version_votes = int(votes * 0.08) if version_ids else 0
        argument_votes = int(votes * 0.05)
        opinion_votes = votes - version_votes - argument_votes

        def valued(model, fk, target_ids, weights_of, total) -> int:
            made = 0
            batch = []
            weight_sum = sum(weights_of(pk) for pk in target_ids)
            for pk in target_ids:
                n = min(len(user_ids), round(total * weights_of(pk) / weight_sum))
                mood = [rng.uniform(20, 80), rng.uniform(5, 30), rng.uniform(5, 60)]
                chosen = rng.choices(values, weights=mood, k=n)
                for user_id, value in zip(rng.sample(user_ids, n), chosen, strict=True):
                    batch.append(model(**{f"{fk}_id": pk, "user_id": user_id, "value": value}))
                if len(batch) >= BATCH:
                    model.objects.bulk_create(batch, batch_size=BATCH)
                    made += len(batch)
                    batch = []
            model.objects.bulk_create(batch, batch_size=BATCH)
            return made + len(batch)

        made = valued(OpinionVote, "opinion", opinion_ids, popularity.get, opinion_votes)
        if version_ids:
            made += valued(VersionVote, "version", version_ids, lambda pk: 1.0, version_votes)
        argument_ids = list(
            Argument.objects.filter(opinion_id__in=opinion_ids).values_list("pk", flat=True)
        )
        batch = []
        per_argument = argument_votes / max(len(argument_ids), 1)
        for pk in argument_ids:
            n = min(len(user_ids), int(rng.expovariate(1 / per_argument)))
            batch += [ArgumentVote(argument_id=pk, user_id=u) for u in rng.sample(user_ids, n)]
            if len(batch) >= BATCH:
                ArgumentVote.objects.bulk_create(batch, batch_size=BATCH)
                made += len(batch)
                batch = []
        ArgumentVote.objects.bulk_create(batch, batch_size=BATCH)
        made += len(batch)

        drifts = consultation_services.counters_recompute(fix=True)

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    biggest = max(themes, key=lambda s: Opinion.objects.filter(section=s).count())
    return {
        "project": PROJECT_SLUG,
        "step": STEP_SLUG,
        "section": biggest.slug,
        "section_opinions": Opinion.objects.filter(section=biggest).count(),
        "hot_opinion": hot,
        "hot_arguments": Argument.objects.filter(opinion_id=hot).count(),
        "hot_versions": Version.objects.filter(opinion_id=hot).count(),
        "users": len(user_ids),
        "opinions": len(opinion_ids),
        "versions": len(version_ids),
        "arguments": Argument.objects.filter(opinion_id__in=opinion_ids).count()
        + Argument.objects.filter(version_id__in=version_ids).count(),
        "sources": Source.objects.filter(opinion_id__in=opinion_ids).count(),
        "votes": made,
        "counters_fixed": len(drifts),
        "seconds": round(time.monotonic() - started, 1),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=5000)
    parser.add_argument("--opinions", type=int, default=700)
    parser.add_argument("--versions", type=int, default=600)
    parser.add_argument("--arguments", type=int, default=4000)
    parser.add_argument("--hot-arguments", type=int, default=500)
    parser.add_argument("--sources", type=int, default=400)
    parser.add_argument("--votes", type=int, default=150_000)
    args = parser.parse_args(argv)
    result = seed(**vars(args))
    print("SEED-JSON " + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
