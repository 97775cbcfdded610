"""The consultation's demo, called by ``manage.py load_demo`` (``StepKind.demo``).

The content (the project, the draft text, proposals, amendments, arguments, sources, comments,
the vote moods) is data: ``demo/consultation.toml`` beside this module, read through
``palabre.core.demo.load_data``. This module turns it into rows.

A project of the fictional city of Belleroche, « Belleroche 2030 : projet de délibération sur
la ville numérique », with two consultation steps:

- « Consultation sur les orientations », closed: six orientations, their arguments and votes;
  results are readable, voting is over.
- « Consultation sur le projet de délibération », open: the draft text in two titles imported
  through ``services.consultation_import_text`` (organisers only, d'accord / mitigé / pas
  d'accord), a section of citizen proposals (« je soutiens »), amendments with a real new
  wording (so the word diff shows something), arguments for and against, sources, votes.

How it writes (house rule 3):

- Sections and the consultation itself go through ``loader.upsert`` (``content_save``, an
  action-log row for each object created or changed); the articles through
  ``consultation_import_text``; citizen proposals, amendments, arguments and sources of the
  open step through the participants' services (``opinion_create``, ``version_create``…).
- The closed step refuses contributions (``permissions.contribute``), so its arguments are
  bulk-created, as an import of a past consultation would be.
- Votes are bulk-created (``ignore_conflicts``: the unique constraints drop the ones already
  there), then ``services.counters_recompute(fix=True)`` rebuilds every cached counter from the
  rows. Casting a few thousand votes one by one through ``opinion_vote`` would cost seconds for
  nothing the demo needs; the recompute is the same command an operator runs (rule 5).
- Dates: contributions created in this run are backdated into the step's period (a plain
  ``update()`` of ``created_at`` / ``published_at``), so « les plus récentes » means something.

Idempotent: every object is looked up by a natural key (section slug, opinion title, author
and text…) and created only when missing; the pseudo-random votes come from a fixed seed, so a
rerun proposes the same rows and inserts none.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.db import models

from palabre.core.demo import ProjectSpec, load_data

from . import services
from .models import (
    Argument,
    ArgumentVote,
    Consultation,
    Opinion,
    OpinionVote,
    Section,
    Source,
    SourceVote,
    Version,
    VersionVote,
    VoteValue,
)

DATA = load_data("consultation", "consultation")
PROJECT = ProjectSpec.from_data(DATA["project"])
PROJECT_SLUG = PROJECT.slug
CLOSED_STEP = DATA["closed"]["step"]
OPEN_STEP = DATA["open"]["step"]
PROPOSALS_SLUG = DATA["open"]["proposals_section"]
SEED = "belleroche-2030"

FOR = Argument.Kind.FOR


def _by_target(rows: list[dict]) -> dict:
    """Arguments or sources grouped by what they are attached to, in the file's order: an
    article (« Article 3 »), a citizen proposal (its title), or an amendment, keyed
    ``(article, amendment title)``."""
    grouped: dict = {}
    for row in rows:
        key = (row["target"], row["amendment"]) if "amendment" in row else row["target"]
        grouped.setdefault(key, []).append(row)
    return grouped


def load(loader) -> list[str]:
    """The ``StepKind.demo`` hook: load (or update) the consultation demo; report lines."""
    Demo(loader).run()
    return [_summary()]


class Demo:
    def __init__(self, loader) -> None:
        self.loader = loader
        self.users = loader.user_map
        self.participants = [
            u for u in self.users.values() if u.role == u.Role.PARTICIPANT and u.is_active
        ]
        self.participants.sort(key=lambda u: u.username)
        self.rng = random.Random(SEED)  # noqa: S311 - demo data, not a secret
        # Each participant's appetite for voting, stable from one run to the next.
        self.activity = {
            u.pk: self.rng.choice([0.45, 0.7, 0.85, 0.95, 1.0]) for u in self.participants
        }
        self.now = loader.now

    def user(self, username: str):
        return self.users[username]

    def run(self) -> None:
        project = self.loader.project(PROJECT)
        steps = {s.slug: s for s in project.steps.all()}
        closed, opened = steps[CLOSED_STEP], steps[OPEN_STEP]
        self.closed_consultation(closed)
        self.open_consultation(opened)
        services.counters_recompute(fix=True)

    # -- helpers ---------------------------------------------------------------------------

    def consultation(self, step, intro: str) -> Consultation:
        consultation = self.loader.upsert(Consultation, {"step": step}, {"intro": intro})
        consultation.step = step
        return consultation

    def section(self, consultation: Consultation, position: int, spec: dict) -> Section:
        values = {k: v for k, v in spec.items() if k not in {"slug", "text"}}
        values.setdefault("allow_versions", True)
        section = self.loader.upsert(
            Section,
            {"consultation": consultation, "slug": spec["slug"]},
            {**values, "position": position},
        )
        section.consultation = consultation
        return section

    def imported(self, section: Section, text: str) -> dict[str, Opinion]:
        """The section's articles by number (« Article 3 »), imported when the section is empty."""
        if text and not section.opinions.exists():
            opinions = services.consultation_import_text(
                actor=self.loader.admin, section=section, text=text
            )
            start = section.consultation.step.starts_at
            for i, opinion in enumerate(opinions):
                self.backdate(opinion, start + timedelta(minutes=i))
        opinions = {}
        for opinion in section.opinions.order_by("position", "id"):
            opinion.section = section
            opinions[opinion.title.split(" — ")[0].split(" : ")[0]] = opinion
        return opinions

    def when(self, step, index: int, count: int) -> datetime:
        """A date inside the step's period (up to now), spread along ``index / count``."""
        end = min(step.ends_at, self.now - timedelta(hours=1))
        span = end - step.starts_at
        return step.starts_at + span * ((index + 0.5) / max(count, 1)) + timedelta(hours=1)

    def backdate(self, obj, when: datetime) -> None:
        type(obj).objects.filter(pk=obj.pk).update(created_at=when, published_at=when)

    # -- the closed consultation ------------------------------------------------------------

    def closed_consultation(self, step) -> None:
        closed = DATA["closed"]
        consultation = self.consultation(step, closed["intro"])
        spec = closed["section"]
        section = self.section(consultation, 1, spec)
        self.imported(section, spec["text"])
        opinions = list(section.opinions.order_by("position", "id"))
        # A closed step refuses contributions (permissions.contribute): the arguments of this
        # past consultation are written as an import would, in bulk.
        existing = set(
            Argument.objects.filter(opinion__in=opinions).values_list("opinion_id", "author_id")
        )
        rows = []
        arguments = closed["arguments"]
        for i, row in enumerate(arguments):
            author, opinion = self.user(row["author"]), opinions[row["orientation"]]
            if (opinion.pk, author.pk) in existing:
                continue
            when = self.when(step, i, len(arguments))
            rows.append(
                Argument(
                    opinion=opinion,
                    author=author,
                    kind=row["kind"],
                    body=row["body"],
                    published=True,
                    published_at=when,
                    created_at=when,
                )
            )
        Argument.objects.bulk_create(rows)
        stances = {
            (opinions[row["orientation"]].pk, self.user(row["author"]).pk): row["kind"]
            for row in arguments
        }
        votes = []
        for opinion, mood in zip(opinions, closed["moods"], strict=False):
            votes += self.valued_votes(
                OpinionVote, "opinion", opinion, mood["weights"], mood["reach"], stances
            )
        OpinionVote.objects.bulk_create(votes, ignore_conflicts=True)
        args = list(Argument.objects.filter(opinion__in=opinions).order_by("id"))
        ArgumentVote.objects.bulk_create(
            self.toggles(ArgumentVote, "argument", args, 0.4), ignore_conflicts=True
        )

    # -- the open consultation -----------------------------------------------------------------

    def open_consultation(self, step) -> None:
        consultation = self.consultation(step, DATA["open"]["intro"])
        articles: dict[str, Opinion] = {}
        sections = {}
        for position, spec in enumerate(DATA["open"]["sections"], start=1):
            section = self.section(consultation, position, spec)
            sections[spec["slug"]] = section
            if spec.get("text"):
                articles.update(self.imported(section, spec["text"]))
        proposals = self.proposals(step, sections[PROPOSALS_SLUG])
        versions = self.versions(step, articles)
        targets: dict = {**articles, **proposals, **versions}
        self.arguments_and_sources(step, targets)
        self.comments(step, proposals)
        self.open_votes(step, articles, proposals, versions)

    def comments(self, step, proposals: dict[str, Opinion]) -> None:
        """Comment threads on some citizen proposals (one level of replies)."""
        from palabre.participation import services as participation
        from palabre.participation.models import Comment

        def once(target, username, body, parent=None):
            author = self.user(username)
            found = Comment.objects.filter(
                content_type__model="opinion", object_id=target.pk, author=author, body=body
            ).first()
            return found or participation.comment_create(
                author=author, target=target, body=body, parent=parent
            )

        comments = DATA["open"]["comments"]
        for i, comment in enumerate(comments):
            target = proposals.get(comment["proposal"])
            if target is None:
                continue
            top = once(target, comment["author"], comment["body"])
            when = self.when(step, i, len(comments))
            self.backdate(top, when)
            for j, reply in enumerate(comment.get("replies", []), start=1):
                answer = once(target, reply["author"], reply["body"], parent=top)
                self.backdate(answer, when + timedelta(minutes=17 * j))

    def proposals(self, step, section: Section) -> dict[str, Opinion]:
        existing = {o.title: o for o in section.opinions.all()}
        specs = DATA["open"]["proposals"]
        for i, spec in enumerate(specs):
            title = spec["title"]
            if title in existing:
                continue
            opinion = services.opinion_create(
                author=self.user(spec["author"]),
                section=section,
                title=title,
                body=f"<p>{spec['body']}</p>",
            )
            self.backdate(opinion, self.when(step, i, len(specs)))
            existing[title] = opinion
        for opinion in existing.values():
            opinion.section = section
        return {
            spec["title"]: existing[spec["title"]] for spec in specs if spec["title"] in existing
        }

    def versions(self, step, articles: dict[str, Opinion]) -> dict[tuple, Version]:
        found = {}
        specs = DATA["open"]["versions"]
        for i, spec in enumerate(specs):
            article, title = spec["article"], spec["title"]
            opinion = articles[article]
            version = Version.objects.filter(opinion=opinion, title=title).first()
            if version is None:
                version = services.version_create(
                    author=self.user(spec["author"]),
                    opinion=opinion,
                    title=title,
                    body=_amended(opinion.body, spec["edits"]),
                    explanation=spec["explanation"],
                )
                self.backdate(version, self.when(step, i, len(specs)))
            version.opinion = opinion
            found[(article, title)] = version
        return found

    def arguments_and_sources(self, step, targets: dict) -> None:
        arguments, sources = DATA["open"]["arguments"], DATA["open"]["sources"]
        total = len(arguments) + len(sources)
        i = 0
        for key, rows in _by_target(arguments).items():
            parent = targets[key]
            field = "opinion" if isinstance(parent, Opinion) else "version"
            have = set(Argument.objects.filter(**{field: parent}).values_list("author_id", "body"))
            for row in rows:
                i += 1
                author, body = self.user(row["author"]), row["body"]
                if (author.pk, body) in have:
                    continue
                argument = services.argument_create(
                    author=author, parent=parent, kind=row["kind"], body=body
                )
                self.backdate(argument, self.when(step, i, total))
        for key, rows in _by_target(sources).items():
            parent = targets[key]
            field = "opinion" if isinstance(parent, Opinion) else "version"
            have = set(Source.objects.filter(**{field: parent}).values_list("link", flat=True))
            for row in rows:
                i += 1
                if row["link"] in have:
                    continue
                source = services.source_create(
                    author=self.user(row["author"]),
                    parent=parent,
                    title=row["title"],
                    link=row["link"],
                    category=row["category"],
                    body=row.get("body", ""),
                )
                self.backdate(source, self.when(step, i, total))

    def open_votes(self, step, articles, proposals, versions) -> None:
        stances = {}
        targets = articles | proposals | versions
        for key, rows in _by_target(DATA["open"]["arguments"]).items():
            target = targets[key]
            for row in rows:
                stances[(target.pk, self.user(row["author"]).pk)] = row["kind"]
        votes = DATA["open"]["votes"]
        moods, default = votes["moods"], votes["default_mood"]
        opinion_votes = []
        for key, opinion in articles.items():
            mood = moods.get(key, default)
            weights, reach = mood["weights"], mood["reach"]
            opinion_votes += self.valued_votes(
                OpinionVote, "opinion", opinion, weights, reach, stances
            )
        reaches = votes["proposal_reach"]
        for (_title, opinion), reach in zip(proposals.items(), reaches, strict=False):
            # « Je soutiens » only: a participant supports a proposal or says nothing.
            opinion_votes += [
                vote
                for vote in self.valued_votes(
                    OpinionVote, "opinion", opinion, (1, 0, 0), reach, stances
                )
                if vote.value == VoteValue.OK
            ]
        OpinionVote.objects.bulk_create(opinion_votes, ignore_conflicts=True)
        version_votes = []
        for (article, _title), version in versions.items():
            mood = moods.get(article, default)
            weights, reach = mood["weights"], mood["reach"]
            # Amendments are read by fewer people, and split them more.
            ok, mitigated, nok = weights
            version_votes += self.valued_votes(
                VersionVote,
                "version",
                version,
                (ok * 0.8, mitigated + 5, nok + 10),
                reach * 0.45,
                stances,
            )
        VersionVote.objects.bulk_create(version_votes, ignore_conflicts=True)
        parents = [*articles.values(), *proposals.values()]
        args = list(Argument.objects.filter(opinion__in=parents).order_by("id")) + list(
            Argument.objects.filter(version__in=versions.values()).order_by("id")
        )
        ArgumentVote.objects.bulk_create(
            self.toggles(ArgumentVote, "argument", args, 0.4), ignore_conflicts=True
        )
        srcs = list(Source.objects.filter(opinion__in=parents).order_by("id"))
        SourceVote.objects.bulk_create(
            self.toggles(SourceVote, "source", srcs, 0.15), ignore_conflicts=True
        )

    # -- votes -------------------------------------------------------------------------------

    def valued_votes(self, model, fk, target, weights, reach, stances) -> list[models.Model]:
        """Votes of the participants on one target: who votes, and how, drawn from the seed.

        A participant who wrote an argument votes with it (pour: d'accord, contre: pas
        d'accord), whatever the draw.
        """
        rng = random.Random(f"{SEED}:{model.__name__}:{_key_of(target)}")  # noqa: S311
        values = [VoteValue.OK, VoteValue.MITIGATED, VoteValue.NOK]
        rows = []
        for user in self.participants:
            draw, value = rng.random(), rng.choices(values, weights=weights)[0]
            stance = stances.get((target.pk, user.pk))
            if stance is not None:
                value = VoteValue.OK if stance == FOR else VoteValue.NOK
            elif draw > reach * self.activity[user.pk]:
                continue
            rows.append(model(**{fk: target, "user": user, "value": value}))
        return rows

    def toggles(self, model, fk, targets, reach) -> list[models.Model]:
        """« Utile » votes on arguments or sources (never on one's own)."""
        rows = []
        for target in targets:
            rng = random.Random(f"{SEED}:{model.__name__}:{target.body[:40]}")  # noqa: S311
            # A well-argued point draws more votes: the reach varies from one to another.
            local = reach * rng.choice([0.3, 0.6, 1.0, 1.4, 2.0])
            for user in self.participants:
                if user.pk != target.author_id and rng.random() < local * self.activity[user.pk]:
                    rows.append(model(**{fk: target, "user": user}))
        return rows


def _key_of(target) -> str:
    """A stable key for a target (its title), independent of database ids."""
    return getattr(target, "title", "") or str(target)


def _amended(body: str, edits: list[dict]) -> str:
    """``body`` with each edit applied: ``old`` replaced by ``new``, or without ``old``,
    ``new`` appended as a paragraph."""
    for edit in edits:
        old, new = edit.get("old"), edit["new"]
        if old is None:
            body += f"<p>{new}</p>"
            continue
        if old not in body:
            raise ValueError(f"amendment: {old!r} is not in the article")
        body = body.replace(old, new, 1)
    return body


def _summary() -> str:
    consultations = list(
        Consultation.objects.filter(step__project__slug=PROJECT_SLUG).values_list("pk", flat=True)
    )
    opinions = Opinion.objects.filter(section__consultation__in=consultations)
    versions = Version.objects.filter(opinion__in=opinions)
    votes = (
        OpinionVote.objects.filter(opinion__in=opinions).count()
        + VersionVote.objects.filter(version__in=versions).count()
        + ArgumentVote.objects.filter(argument__opinion__in=opinions).count()
        + ArgumentVote.objects.filter(argument__version__in=versions).count()
        + SourceVote.objects.filter(source__opinion__in=opinions).count()
    )
    arguments = Argument.objects.filter(opinion__in=opinions).count()
    arguments += Argument.objects.filter(version__in=versions).count()
    return (
        f"Consultation « {PROJECT.title} » : {len(consultations)} étapes, "
        f"{Section.objects.filter(consultation__in=consultations).count()} sections, "
        f"{opinions.count()} propositions, {versions.count()} amendements, {arguments} "
        f"arguments, {Source.objects.filter(opinion__in=opinions).count()} sources, "
        f"{votes} votes."
    )
