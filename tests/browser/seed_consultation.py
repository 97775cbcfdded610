"""A consultation on a bill, seeded through the services, for the browser tests.

"Projet de loi pour une ville numérique": one section of articles written by the organisers
(vote d'accord / mitigé / pas d'accord, amendments, arguments and sources allowed) and one
section of proposals written by citizens.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from palabre.components.consultation import services
from palabre.components.consultation.models import Consultation, Opinion, Section, Sort
from palabre.core.models import Project, Step, User

from . import seed

BILL = """Article 1 — Droit à l'accès au numérique

Toute personne résidant dans la commune a droit à un accès gratuit à internet dans les \
bâtiments publics. La commune garantit un point d'accès dans chaque mairie de quartier.

Article 2 — Accompagnement des personnes éloignées du numérique

La commune met en place un accompagnement gratuit pour les démarches administratives en \
ligne, assuré par des conseillers numériques formés.

Article 3 — Données publiques ouvertes

Les données produites par les services municipaux sont publiées sous licence ouverte, dans \
un format lisible par une machine, au plus tard trois mois après leur production.

Article 4 — Sobriété numérique

Les équipements informatiques de la commune sont réparés avant d'être remplacés. Leur durée \
d'utilisation est d'au moins sept ans.
"""

ARTICLE_2_AMENDED = (
    "La commune met en place un accompagnement gratuit et sans rendez-vous pour les démarches "
    "administratives en ligne, assuré par des conseillers numériques formés et rémunérés."
)


@dataclass
class ConsultationContent:
    organiser: User
    participants: list[User]
    project: Project
    step: Step
    consultation: Consultation
    articles: Section
    proposals: Section
    opinions: list[Opinion] = field(default_factory=list)
    citizen_opinions: list[Opinion] = field(default_factory=list)

    @property
    def article(self) -> Opinion:
        """Article 2, the one the journeys debate."""
        return self.opinions[1]


def organiser(username: str = "mairie", email: str = "numerique@example.org") -> User:
    """A verified organiser (administrator) who can also log in to the back office."""
    user = seed.participant(username, email)
    user.role = User.Role.ADMINISTRATOR
    user.is_staff = True
    user.save(update_fields=["role", "is_staff"])
    return user


def moderator(username: str = "dominique", email: str = "moderation@example.org") -> User:
    user = seed.participant(username, email)
    user.role = User.Role.MODERATOR
    user.is_staff = True
    user.save(update_fields=["role", "is_staff"])
    return user


def bill_consultation(*, debate: bool = True) -> ConsultationContent:
    """The bill, its two sections, and (``debate``) votes, arguments, sources and amendments
    from four other citizens, so that counts, bars and columns have something to show."""
    seed.base_content()
    now = timezone.now()
    mairie = organiser()
    project = Project.objects.create(
        title="Projet de loi pour une ville numérique",
        slug="ville-numerique",
        summary="Accès, accompagnement, données ouvertes, sobriété : "
        "donnez votre avis sur le texte, article par article.",
        body="<p>La ville soumet à la consultation un texte en quatre articles.</p>",
        visibility=Project.Visibility.PUBLIC,
        published_at=now - timedelta(days=10),
    )
    step = Step.objects.create(
        project=project,
        position=1,
        title="Consultation sur le texte",
        slug="consultation",
        kind="consultation",
        starts_at=now - timedelta(days=7),
        ends_at=now + timedelta(days=21),
        body="<p>Votez sur chaque article, argumentez, proposez des amendements.</p>",
    )
    consultation = Consultation.objects.create(
        step=step,
        intro="<p>Le texte est découpé en articles. Chacun peut être amendé.</p>",
    )
    articles = Section.objects.create(
        consultation=consultation,
        position=1,
        title="Les articles du projet de loi",
        slug="articles",
        body="<p>Le texte proposé par la ville, article par article.</p>",
        authors=Section.Authors.ORGANISERS,
        vote_widget="agree",
        allow_versions=True,
        allow_arguments=True,
        allow_sources=True,
        default_sort=Sort.OLDEST,
    )
    proposals = Section.objects.create(
        consultation=consultation,
        position=2,
        title="Vos propositions",
        slug="propositions",
        body="<p>Ce qui manque au texte ? Proposez un nouvel article.</p>",
        authors=Section.Authors.PARTICIPANTS,
        vote_widget="agree",
        default_sort=Sort.NEWEST,
    )
    opinions = services.consultation_import_text(actor=mairie, section=articles, text=BILL)
    people = [
        seed.participant("leila", "leila@example.org"),
        seed.participant("thomas", "thomas@example.org"),
        seed.participant("ines", "ines@example.org"),
        seed.participant("marc", "marc@example.org"),
    ]
    content = ConsultationContent(
        organiser=mairie,
        participants=people,
        project=project,
        step=step,
        consultation=consultation,
        articles=articles,
        proposals=proposals,
        opinions=opinions,
    )
    if debate:
        _debate(content)
    seed._clear_caches()
    return content


def _debate(content: ConsultationContent) -> None:
    leila, thomas, ines, marc = content.participants
    article = content.article
    for user, value in ((leila, "ok"), (thomas, "ok"), (ines, "mitigated"), (marc, "nok")):
        services.opinion_vote(user=user, opinion=article, value=value)
    other_votes = (["ok", "ok", "ok"], None, ["ok", "nok"], ["mitigated", "nok", "nok"])
    for opinion, values in zip(content.opinions, other_votes, strict=True):
        for user, value in zip(content.participants, values or [], strict=False):
            services.opinion_vote(user=user, opinion=opinion, value=value)
    services.argument_create(
        author=leila,
        parent=article,
        kind="for",
        body="Beaucoup de personnes âgées renoncent à leurs droits faute d'aide pour les "
        "démarches en ligne.",
    )
    services.argument_create(
        author=thomas,
        parent=article,
        kind="for",
        body="Les conseillers numériques existent déjà : il faut les rendre visibles.",
    )
    services.argument_create(
        author=marc,
        parent=article,
        kind="against",
        body="Le coût n'est pas chiffré : combien de conseillers, pour quel budget ?",
    )
    services.source_create(
        author=ines,
        parent=article,
        title="Baromètre du numérique 2024",
        link="https://www.arcep.fr/cartes-et-donnees/nos-publications-chiffrees.html",
        category="study",
        body="Un tiers des Français se disent en difficulté avec les démarches en ligne.",
    )
    version = services.version_create(
        author=ines,
        opinion=article,
        title="Un accompagnement sans rendez-vous",
        body=f"<p>{ARTICLE_2_AMENDED}</p>",
        explanation="Les rendez-vous découragent les personnes les plus en difficulté.",
    )
    services.version_vote(user=leila, version=version, value="ok")
    services.version_vote(user=marc, version=version, value="mitigated")
    services.argument_create(
        author=leila,
        parent=version,
        kind="for",
        body="Sans rendez-vous, on touche celles et ceux qui n'osent pas demander.",
    )
    content.citizen_opinions = [
        services.opinion_create(
            author=thomas,
            section=content.proposals,
            title="Un article sur l'accessibilité des sites de la ville",
            body="<p>Les sites de la commune respectent le RGAA et publient leur déclaration "
            "d'accessibilité.</p>",
        ),
        services.opinion_create(
            author=leila,
            section=content.proposals,
            title="Des ateliers numériques dans les médiathèques",
            body="<p>Chaque médiathèque propose un atelier hebdomadaire gratuit.</p>",
        ),
    ]
    services.opinion_vote(user=marc, opinion=content.citizen_opinions[0], value="ok")
    services.opinion_vote(user=ines, opinion=content.citizen_opinions[0], value="ok")
    services.opinion_vote(user=marc, opinion=content.citizen_opinions[1], value="mitigated")
    for opinion in (*content.opinions, *content.citizen_opinions):
        opinion.refresh_from_db()
