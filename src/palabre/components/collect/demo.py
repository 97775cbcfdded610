"""The collect step's demo, called by ``manage.py load_demo`` (``StepKind.demo``).

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

from palabre.core.management.commands.load_demo import CENTRE, DISTRICTS, ProjectSpec, StepSpec
from palabre.participation import services as participation
from palabre.participation.models import Comment, Follow

from . import services
from .models import Category, Collect, Preset, Proposal, Question

SEED = "belleroche-collect"
BUDGET_SLUG = "budget-participatif-2027"
IDEAS_SLUG = "boite-a-idees-belleroche"

BUDGET = ProjectSpec(
    slug=BUDGET_SLUG,
    title="Budget participatif 2027 : 1 million d’euros pour vos projets",
    summary=(
        "Un banc, un jardin, une fresque, une piste cyclable : proposez un projet pour votre "
        "quartier. La Ville y consacre un million d’euros, et ce sont les habitantes et les "
        "habitants qui choisiront les lauréats."
    ),
    body="""
<p>Chaque année, Belleroche consacre 5 % de son budget d’investissement à des projets proposés
et choisis par sa population. Tout le monde peut déposer un projet, dès 11 ans, seul ou à
plusieurs.</p>
<h2>Les règles</h2>
<ul>
<li>un projet d’intérêt général, sur l’espace public ou un équipement municipal ;</li>
<li>un coût estimé de 150 000 € au plus, pour un investissement (pas de fonctionnement) ;</li>
<li>réalisable en deux ans.</li>
</ul>
<h2>Le calendrier</h2>
<p>Dépôt des projets, analyse par les services (recevable ou non, coût vérifié), puis vote en
ligne et dans les mairies de quartier.</p>
""",
    themes=["democratie-locale", "environnement", "mobilite", "culture", "sport"],
    districts=[d[0] for d in DISTRICTS],
    published=-40,
    steps=[
        StepSpec(
            "depot-des-projets",
            "Dépôt des projets",
            (-35, 9),
            (25, 23),
            "<p>Déposez votre projet : décrivez-le, placez-le sur la carte, estimez son coût. "
            "Vous pouvez enregistrer un brouillon et y revenir.</p>",
            kind="collect",
        ),
        StepSpec(
            "analyse",
            "Analyse des projets par les services",
            (26, 9),
            (60, 18),
            "<p>Les services vérifient chaque projet : faisabilité, coût, respect des règles. "
            "Chaque projet reçoit une réponse motivée.</p>",
        ),
    ],
)

IDEAS = ProjectSpec(
    slug=IDEAS_SLUG,
    title="Boîte à idées : Belleroche au quotidien",
    summary=(
        "Une idée pour mieux vivre à Belleroche ? Propreté, horaires, commerces, animations : "
        "déposez-la en quelques mots, commentez celles des autres."
    ),
    body="<p>Toutes les idées sont lues par les services et les élus de quartier. Les plus "
    "commentées sont étudiées en priorité.</p>",
    themes=["democratie-locale", "solidarites", "urbanisme"],
    districts=[],
    published=-60,
    steps=[
        StepSpec(
            "vos-idees",
            "Vos idées",
            (-55, 9),
            (120, 23),
            "<p>Une idée, un titre, quelques lignes : c’est tout.</p>",
            kind="collect",
        )
    ],
)

CATEGORIES = ["Aménagement de l’espace public", "Nature en ville", "Équipement", "Animation"]

# (title pattern, theme slug, category index, cost range in euros)
PROJECT_IDEAS = [
    ("Des bancs ombragés {place}", "urbanisme", 0, (3_000, 18_000)),
    ("Un jardin partagé {place}", "environnement", 1, (8_000, 40_000)),
    ("Planter des arbres fruitiers {place}", "environnement", 1, (5_000, 25_000)),
    ("Une fontaine à boire {place}", "urbanisme", 2, (6_000, 30_000)),
    ("Des arceaux à vélos {place}", "mobilite", 0, (2_000, 12_000)),
    ("Une piste cyclable sécurisée {place}", "mobilite", 0, (40_000, 150_000)),
    ("Une boîte à livres {place}", "culture", 3, (500, 3_000)),
    ("Une fresque participative {place}", "culture", 3, (4_000, 20_000)),
    ("Un terrain de pétanque {place}", "sport", 2, (5_000, 22_000)),
    ("Des agrès de sport en plein air {place}", "sport", 2, (15_000, 60_000)),
    ("Des toilettes publiques {place}", "urbanisme", 2, (30_000, 120_000)),
    ("Un composteur collectif {place}", "environnement", 1, (1_500, 6_000)),
    ("Une aire de jeux inclusive {place}", "sport", 2, (40_000, 150_000)),
    ("Des nichoirs et un hôtel à insectes {place}", "environnement", 1, (800, 4_000)),
    ("Un abri vélo sécurisé {place}", "mobilite", 2, (12_000, 45_000)),
    ("Un kiosque pour les concerts {place}", "culture", 3, (35_000, 140_000)),
    ("Un éclairage solaire {place}", "environnement", 0, (10_000, 70_000)),
    ("Une table de pique-nique accessible {place}", "urbanisme", 0, (1_500, 7_000)),
]

PLACES = {
    "centre-ville": ["place du Marché", "rue Carnot", "square de la Mairie", "cours Gambetta"],
    "les-tanneurs": ["quai des Mégissiers", "rue des Tanneurs", "square des Ateliers"],
    "plateau-saint-jean": ["parc central", "allée des Peupliers", "école Jules-Ferry"],
    "les-rives": ["voie verte", "médiathèque des Rives", "berges de l’Aubrive"],
    "les-tilleuls": ["complexe sportif", "lycée Marie-Curie", "square des Tilleuls"],
    "faubourg-de-la-gare": ["parvis de la gare", "écoquartier des Ateliers", "rue de l’Industrie"],
}

BODY = (
    "<p>{why}</p><p>Concrètement, nous proposons {what}. Le projet profitera aux familles, "
    "aux personnes âgées et aux écoles du quartier.</p><ul><li>emplacement : {place} ;</li>"
    "<li>entretien : par les services municipaux ;</li><li>réalisation : en quelques "
    "semaines.</li></ul>"
)
WHYS = [
    "Le quartier manque d’endroits agréables où se retrouver.",
    "Les enfants n’ont pas assez d’espace pour jouer en sécurité.",
    "En été, il fait très chaud et il n’y a presque pas d’ombre.",
    "Beaucoup d’habitants le demandent depuis des années au conseil de quartier.",
    "C’est un lieu de passage qui pourrait devenir un lieu de vie.",
]

IDEA_TEXTS = [
    ("Ouvrir la médiathèque le dimanche matin", "solidarites"),
    ("Plus de poubelles de tri au centre-ville", "urbanisme"),
    ("Un marché de producteurs le mercredi soir", "democratie-locale"),
    ("Des ateliers de réparation de vélos gratuits", "solidarites"),
    ("Un plan des toilettes publiques", "urbanisme"),
    ("Un conseil municipal des enfants", "democratie-locale"),
    ("Une fête des voisins soutenue par la Ville", "solidarites"),
    ("Des cours de français pour adultes le soir", "solidarites"),
    ("Afficher les horaires des bus en temps réel", "urbanisme"),
    ("Un troc de plantes au printemps", "solidarites"),
    ("Des bancs devant la poste", "urbanisme"),
    ("Prêter des outils de jardinage", "solidarites"),
    ("Un café des aidants", "solidarites"),
    ("Publier les comptes rendus des conseils de quartier", "democratie-locale"),
    ("Une navette vers le marché pour les aînés", "solidarites"),
]

AUDIENCES = ["les familles", "tout le quartier", "les aînés", "les enfants"]

COMMENTS = [
    "Très bonne idée, je soutiens !",
    "Il faudrait prévoir l’entretien dès le départ.",
    "Et pourquoi pas aussi dans les autres quartiers ?",
    "Attention au bruit pour les riverains le soir.",
    "Les enfants de l’école seraient ravis.",
    "Le coût me paraît sous-estimé.",
]


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
        budget = self.collect(
            budget_step,
            Preset.BUDGET,
            intro="<p>Un projet = une idée précise, localisée, chiffrée. Les services vous "
            "aident : permanences le samedi matin en mairie de quartier.</p>",
        )
        ideas = self.collect(ideas_step, Preset.IDEAS, intro="")
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
                "map_latitude": CENTRE[0],
                "map_longitude": CENTRE[1],
                "map_zoom": 13,
            },
        )
        collect.step = step
        return collect

    # -- the participatory budget ----------------------------------------------------------

    def point_in(self, index: int, rng: random.Random) -> tuple[float, float]:
        """A point inside district ``index`` (see ``load_demo.district_polygons``)."""
        lat0, lng0 = CENTRE
        stretch = 1 / math.cos(math.radians(lat0))
        if index == 0:
            radius = 0.0065 * math.sqrt(rng.random())
            angle = rng.uniform(0, 360)
        else:
            sectors = len(DISTRICTS) - 1
            a0 = 90 + (index - 1) * 360 / sectors
            angle = rng.uniform(a0 + 6, a0 + 360 / sectors - 6)
            radius = rng.uniform(0.0095, 0.0255)
        a = math.radians(angle)
        return (
            round(lat0 + radius * math.sin(a), 6),
            round(lng0 + radius * math.cos(a) * stretch, 6),
        )

    def budget_proposals(self, collect: Collect) -> None:
        categories = [
            self.loader.upsert(Category, {"collect": collect, "name": name}, {"position": i})
            for i, name in enumerate(CATEGORIES)
        ]
        question = self.loader.upsert(
            Question,
            {"collect": collect, "label": "Porté par"},
            {
                "kind": "single",
                "choices": "Une personne\nUn collectif d’habitants\nUne association",
                "required": False,
                "position": 95,
            },
        )
        existing = set(collect.proposals.values_list("title", flat=True))
        themes = self.loader.theme_map
        districts = self.loader.district_map
        created = []
        for d_index, (slug, _name, _desc) in enumerate(DISTRICTS):
            for place in PLACES[slug]:
                for pattern, theme, category, (low, high) in PROJECT_IDEAS:
                    # One generator per project: a rerun draws the same, whatever exists.
                    rng = random.Random(f"{SEED}-{slug}-{place}-{pattern}")  # noqa: S311
                    title = pattern.format(place=f"— {place}")
                    if rng.random() < 0.35 or title in existing:
                        continue
                    lat, lng = self.point_in(d_index, rng)
                    cost = rng.randrange(low, high, 100)
                    author = rng.choice(self.participants)
                    why = rng.choice(WHYS)
                    origin = rng.choice(question.choice_list)
                    audience = rng.choice(AUDIENCES)
                    data = {
                        "title": title,
                        "summary": f"{pattern.format(place='').strip()} : {place}, "
                        f"pour {audience}.",
                        "body": BODY.format(why=why, what=title.lower(), place=place),
                        "theme": str(themes[theme].pk),
                        "category": str(categories[category].pk),
                        "district": str(districts[slug].pk),
                        "address": f"{place.capitalize()}, Belleroche",
                        "latitude": str(lat),
                        "longitude": str(lng),
                        "cost": str(cost),
                        question.field_name: origin,
                    }
                    created.append(self.submit(author, collect, data))
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
        oldest = list(collect.proposals.order_by("number")[:40])
        for i, proposal in enumerate(oldest):
            if proposal.status_id:
                continue
            if i % 5 == 4:
                status, answer = (
                    statuses.get("Non recevable"),
                    (
                        "<p>Ce projet relève du fonctionnement (entretien courant) et non de "
                        "l’investissement : il ne peut pas être retenu. Nous l’avons transmis au "
                        "service concerné.</p>"
                    ),
                )
            elif i % 3 == 0:
                status, answer = (
                    statuses.get("Recevable"),
                    (
                        "<p>Projet recevable : les services ont vérifié sa faisabilité et son "
                        "coût. Il sera soumis au vote.</p>"
                    ),
                )
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
                body = rng.choice(COMMENTS)
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
        for i, (title, theme) in enumerate(IDEA_TEXTS * 2):
            if i >= len(IDEA_TEXTS):
                title = f"{title} (bis)"
            if title in existing:
                continue
            author = self.participants[(i * 7) % len(self.participants)]
            data = {
                "title": title,
                "body": f"<p>{WHYS[i % len(WHYS)]} {title}, ce serait simple et utile.</p>",
                "theme": str(themes[theme].pk),
            }
            created.append(self.submit(author, collect, data))
        self.spread_dates(collect, created)
