"""``manage.py load_demo``: the demo of a fictional city, Belleroche (about 80,000 inhabitants).

Idempotent: every row is keyed on a slug, an email or a kind, so running the command again
updates the demo in place instead of duplicating it. Content an organiser edits goes through
``core.services.content_save`` (an action-log row per object created or changed; nothing is
logged for an object that is already as the demo wants it). Step dates are relative to the day
the command runs, so the open / upcoming / closed states are right whenever the demo is loaded.

``--projects N`` bulk-creates N extra generic projects (two steps each, no images) for the
benchmarks: slugs ``projet-bench-0001``… , existing ones are left alone.

Step kinds add their own demo (house rule 1: ``core`` imports no component): after the core
demo, every registered kind with a ``demo`` hook is called with the loader, adds its projects
and steps through ``DemoLoader.project()`` and fills them (``core/components.py``).
"""

from __future__ import annotations

import math
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from palabre.core import components, demo_images, services
from palabre.core.models import (
    ActionLog,
    District,
    Organisation,
    Page,
    Project,
    Step,
    Theme,
    User,
)

DEFAULT_PASSWORD = "demo-palabre-2026"  # noqa: S105 - public demo accounts
SITE_URL = "http://127.0.0.1:8000/"
BENCH_PREFIX = "projet-bench-"

# ---------------------------------------------------------------------------------------------
# The content. Belleroche, its districts, people and projects are invented; any resemblance to
# a real town is fortuitous. Postal codes 991xx and phone numbers 01 99 00 xx xx do not exist.
# ---------------------------------------------------------------------------------------------

CENTRE = (46.2000, 2.9000)  # fictional (lat, lng): Belleroche is on no map

ORGANISATION = {
    "name": "Ville de Belleroche",
    "tagline": "Votre ville, vos idées : participez aux projets de Belleroche",
    "description": (
        "<p>Belleroche est une ville (fictive) de 80 000 habitantes et habitants, traversée "
        "par l’Aubrive. Depuis 2020, la Ville associe la population à ses grands projets : "
        "aménagements, budget participatif, conseil citoyen, consultations.</p>"
        "<p>Sur cette plateforme, vous pouvez suivre chaque projet étape par étape, donner "
        "votre avis et connaître les décisions prises à la suite de votre participation.</p>"
    ),
    "primary_colour": "#1d4e89",
    "secondary_colour": "#e8833a",
    "contact_email": "participation@example.org",
    "contact_address": "Hôtel de ville\nService Participation citoyenne\n"
    "1 place de la République\n99100 Belleroche",
    "default_language": "fr",
}

PAGES = [
    {
        "kind": Page.Kind.LEGAL,
        "slug": "mentions-legales",
        "title": "Mentions légales",
        "position": 10,
        "body": """
<h2>Éditeur du site</h2>
<p>Ce site est édité par la Ville de Belleroche (collectivité fictive de démonstration),
hôtel de ville, 1 place de la République, 99100 Belleroche.
Téléphone : 01 99 00 12 34. Courriel : participation@example.org.</p>
<p>Directrice de la publication : Hélène Marchetti, maire de Belleroche.</p>
<h2>Hébergement</h2>
<p>Le site est hébergé en France par Hébergeur Exemple SAS, 10 rue de l’Exemple,
99200 Villefictive. Les données sont stockées dans l’Union européenne.</p>
<h2>Propriété intellectuelle</h2>
<p>Les textes publiés par la Ville sont placés sous Licence Ouverte 2.0 (Etalab) : vous pouvez
les réutiliser librement en citant la source. Les contributions restent la propriété de leurs
autrices et auteurs, qui en autorisent la publication sur la plateforme.</p>
<p>La plateforme s’appuie sur Palabre, logiciel libre distribué sous licence AGPL-3.0.</p>
<h2>Données ouvertes</h2>
<p>Les résultats des consultations sont publiés en données ouvertes, anonymisés, sous Licence
Ouverte 2.0. Aucune adresse électronique ni aucune donnée permettant d’identifier une personne
n’y figure.</p>
<h2>Accessibilité</h2>
<p>La Ville s’engage à rendre ce site accessible conformément à l’article 47 de la loi
n° 2005-102 du 11 février 2005. Si vous ne parvenez pas à accéder à un contenu ou à un
service, écrivez-nous : nous vous répondrons et vous proposerons une alternative.</p>
""",
    },
    {
        "kind": Page.Kind.PRIVACY,
        "slug": "politique-de-confidentialite",
        "title": "Politique de confidentialité",
        "position": 20,
        "body": """
<h2>Qui traite vos données ?</h2>
<p>La Ville de Belleroche, représentée par sa maire, est responsable des traitements de
données personnelles réalisés sur cette plateforme. Vous pouvez joindre sa déléguée à la
protection des données à l’adresse dpo@example.org.</p>
<h2>Pourquoi ?</h2>
<p>Vos données servent uniquement à organiser la participation citoyenne : créer votre compte,
publier vos contributions, comptabiliser vos votes une seule fois, vous informer de la suite
donnée aux projets que vous suivez. Ces traitements relèvent de la mission d’intérêt public de
la commune (article 6.1.e du RGPD).</p>
<h2>Quelles données ?</h2>
<ul>
<li>votre adresse électronique et votre nom d’utilisateur ;</li>
<li>facultativement, votre code postal, une courte présentation et un avatar ;</li>
<li>vos contributions, vos votes et vos inscriptions aux événements.</li>
</ul>
<p>Votre adresse électronique n’est jamais publiée ni transmise à des tiers. Les statistiques
publiées sont anonymisées.</p>
<h2>Combien de temps ?</h2>
<p>Votre compte est conservé tant que vous l’utilisez. Après trois ans sans connexion, nous
vous prévenons puis le supprimons. Vous pouvez à tout moment supprimer votre compte vous-même
et choisir d’effacer ou d’anonymiser vos contributions.</p>
<h2>Vos droits</h2>
<p>Vous disposez d’un droit d’accès, de rectification, d’effacement, de limitation,
d’opposition et de portabilité. Depuis votre espace personnel, vous pouvez télécharger
l’ensemble de vos données. Pour toute autre demande, écrivez à dpo@example.org.</p>
<p>Si vous estimez que vos droits ne sont pas respectés, vous pouvez adresser une réclamation
à la CNIL (www.cnil.fr).</p>
<h2>Cookies</h2>
<p>Le site n’utilise que les cookies nécessaires à son fonctionnement (session, sécurité des
formulaires, langue). Aucun cookie publicitaire n’est déposé.</p>
""",
    },
    {
        "kind": Page.Kind.CHARTER,
        "slug": "charte-de-participation",
        "title": "Charte de participation",
        "position": 30,
        "body": """
<p>Cette plateforme est un espace de dialogue entre les habitantes et habitants de Belleroche
et leur Ville. Pour qu’il reste utile et agréable, chacune et chacun s’engage à respecter
cette charte.</p>
<h2>Vos engagements</h2>
<ul>
<li>Respecter les autres participantes et participants, même en cas de désaccord.</li>
<li>Argumenter sur les idées, jamais contre les personnes.</li>
<li>Ne publier aucun propos injurieux, diffamatoire, discriminatoire ou haineux.</li>
<li>Ne pas faire de publicité ni de propagande électorale.</li>
<li>Ne pas publier d’informations personnelles sur autrui.</li>
<li>N’utiliser qu’un seul compte par personne.</li>
</ul>
<h2>Les engagements de la Ville</h2>
<ul>
<li>Présenter clairement ce qui est soumis à la participation et ce qui ne l’est pas.</li>
<li>Lire toutes les contributions et publier un bilan de chaque étape.</li>
<li>Expliquer les décisions prises, y compris lorsqu’une proposition n’est pas retenue.</li>
</ul>
<h2>Modération</h2>
<p>Les contributions sont publiées immédiatement et modérées a posteriori. Tout le monde peut
signaler un contenu qui ne respecte pas la charte ; l’équipe de modération le masque s’il y a
lieu et en informe son auteur ou son autrice, avec le motif.</p>
""",
    },
    {
        "kind": Page.Kind.OTHER,
        "slug": "a-propos",
        "title": "À propos",
        "position": 40,
        "body": """
<p><strong>Belleroche n’existe pas.</strong> Ce site est une démonstration de Palabre, une
plateforme libre de participation citoyenne. Les personnes, les quartiers et les projets
présentés ici sont inventés ; toute ressemblance avec une ville réelle serait fortuite.</p>
<h2>Ce que vous pouvez essayer</h2>
<ul>
<li>parcourir les projets par thème, par quartier ou par état ;</li>
<li>vous connecter avec un compte de démonstration ;</li>
<li>explorer le back-office avec le compte administrateur.</li>
</ul>
<p>Les données de démonstration sont rechargées avec la commande
<code>manage.py load_demo</code>.</p>
""",
    },
]

THEMES = [
    ("mobilite", "Mobilité", "#0f6e8c", "Se déplacer à pied, à vélo, en bus ou en voiture."),
    ("environnement", "Environnement", "#2e7d32", "Nature en ville, climat, eau, déchets."),
    ("solidarites", "Solidarités", "#c2185b", "Entraide, accès aux droits, vie des aînés."),
    ("culture", "Culture", "#7b3fa0", "Médiathèques, spectacles, patrimoine, fêtes."),
    ("education", "Éducation", "#b26a00", "Écoles, périscolaire, jeunesse."),
    ("urbanisme", "Urbanisme", "#546e7a", "Espaces publics, logement, aménagement."),
    ("sport", "Sport", "#d35400", "Équipements sportifs, clubs, sport pour toutes et tous."),
    (
        "democratie-locale",
        "Démocratie locale",
        "#1d4e89",
        "Conseils de quartier, conseil citoyen, budget participatif.",
    ),
]

# (slug, name, description); the first is the centre, the others ring sectors around it.
DISTRICTS = [
    (
        "centre-ville",
        "Centre-ville",
        "Le cœur historique de Belleroche, entre l’hôtel de ville, la place du Marché et les "
        "rues piétonnes de la vieille ville. Environ 9 000 habitants.",
    ),
    (
        "les-tanneurs",
        "Les Tanneurs",
        "Ancien quartier industriel au bord de l’Aubrive : les anciennes tanneries abritent "
        "aujourd’hui des logements, des ateliers d’artistes et un tiers-lieu. Environ "
        "14 000 habitants.",
    ),
    (
        "plateau-saint-jean",
        "Plateau Saint-Jean",
        "Le plus grand quartier de la ville, construit dans les années 1970 et en pleine "
        "rénovation : nouvelles écoles, parc central, équipements de proximité. Environ "
        "21 000 habitants.",
    ),
    (
        "les-rives",
        "Les Rives de l’Aubrive",
        "Quartier résidentiel le long de la rivière, avec la médiathèque et la voie verte. "
        "Environ 12 000 habitants.",
    ),
    (
        "les-tilleuls",
        "Les Tilleuls",
        "Quartier pavillonnaire du sud de la ville, autour du complexe sportif et du lycée "
        "Marie-Curie. Environ 15 000 habitants.",
    ),
    (
        "faubourg-de-la-gare",
        "Faubourg de la Gare",
        "Autour de la gare et du pôle d’échanges, un quartier d’activités où se construit "
        "l’écoquartier des Ateliers. Environ 9 000 habitants.",
    ),
]

ADMIN = {
    "email": "admin@example.org",
    "username": "admin",
    "first_name": "Claire",
    "last_name": "Vidal",
    "bio": "Chargée de mission participation citoyenne à la Ville de Belleroche.",
}
MODERATOR = {
    "email": "moderateur@example.org",
    "username": "moderateur",
    "first_name": "Malik",
    "last_name": "Rahmani",
    "bio": "J’anime et je modère les espaces de participation de la Ville.",
}

PARTICIPANTS = [
    "Camille Martin", "Yasmine Benali", "Thuy Nguyen", "Mamadou Diallo",
    "Jean-Pierre Lefèvre", "Léa Dubois", "Karim Haddad", "Sophie Bernard", "Nicolas Petit",
    "Aïcha Traoré", "Lucas Moreau", "Chloé Laurent", "Mehdi Bouzid", "Inès Garcia",
    "Thomas Roux", "Manon Fournier", "Hugo Girard", "Fatou Ndiaye", "Julien Bonnet",
    "Emma Mercier", "Antoine Lambert", "Sarah Cohen", "Kévin Da Silva", "Amandine Fontaine",
    "Rachid El Amrani", "Élodie Rousseau", "Pierre-Yves Le Goff", "Nathalie Blanc",
    "Ousmane Sow", "Marie Guérin", "Théo Muller", "Zoé Faure", "Ibrahim Keïta",
    "Laurence André", "Baptiste Chevalier", "Leïla Mansouri", "Maxime Gauthier",
    "Clara Perrin", "Samuel Lévy", "Anaïs Morel", "Vincent Ferreira", "Mei Chen",
    "Gaëlle Kerbrat", "Dimitri Popescu", "Agnès Roussel", "Youssef Cherkaoui", "Océane Henry",
    "Bruno Lopez", "Nadia Hamidi", "Olivier Schmitt",
]  # fmt: skip

BIOS = {
    "camille.martin": "Habitante du centre-ville, cycliste du quotidien et maman de deux enfants.",
    "yasmine.benali": "Membre du conseil citoyen, bénévole à l’épicerie solidaire du Plateau.",
    "thuy.nguyen": "Infirmière, je m’intéresse à tout ce qui rend la ville plus verte.",
    "mamadou.diallo": "Entraîneur de basket au club des Tilleuls depuis quinze ans.",
    "jean-pierre.lefevre": "Retraité de la SNCF, président de l’association des Tanneurs.",
    "karim.haddad": "Commerçant place du Marché.",
    "aicha.traore": "Étudiante en urbanisme, passionnée de cartes et de vélos.",
    "ines.garcia": "Parent d’élève à l’école Jules-Ferry.",
    "fatou.ndiaye": "Aide à domicile, je parcours la ville en bus tous les jours.",
    "rachid.el-amrani": "Architecte, membre du conseil citoyen.",
    "pierre-yves.le-goff": "Musicien, je joue souvent au kiosque des Rives.",
    "ousmane.sow": "Éducateur sportif, je m’occupe des city-stades.",
    "mei.chen": "Je tiens le salon de thé de la rue des Tanneurs.",
    "gaelle.kerbrat": "Bibliothécaire et membre du conseil citoyen.",
    "dimitri.popescu": "Développeur, contributeur à des logiciels libres.",
    "leila.mansouri": "Professeure des écoles au Plateau Saint-Jean.",
    "olivier.schmitt": "Jardinier amateur, je m’occupe des jardins partagés des Rives.",
    "sophie.bernard": "Conseillère de quartier des Tilleuls.",
}

COUNCIL_GROUP = "Conseil citoyen"
COUNCIL_MEMBERS = [
    "yasmine.benali", "mamadou.diallo", "jean-pierre.lefevre", "thuy.nguyen",
    "sophie.bernard", "rachid.el-amrani", "gaelle.kerbrat", "olivier.schmitt",
]  # fmt: skip
ZIP_CODES = ["99100", "99100", "99110", "99110", "99100", "99120", ""]


@dataclass
class StepSpec:
    slug: str
    title: str
    start: tuple[int, int]  # (days from today, hour)
    end: tuple[int, int]
    body: str
    kind: str = ""  # a registered step kind; "" or an unregistered kind: the loader's default


@dataclass
class ProjectSpec:
    slug: str
    title: str
    summary: str
    body: str
    themes: list[str]
    districts: list[str]
    steps: list[StepSpec]
    visibility: str = Project.Visibility.PUBLIC
    published: int = -30  # days from today
    groups: list[str] = field(default_factory=list)
    cover: bool = True


PROJECTS = [
    ProjectSpec(
        slug="reamenager-la-place-du-marche",
        title="Réaménager la place du Marché",
        summary=(
            "La place du Marché accueille le marché trois matins par semaine, mais le reste "
            "du temps elle sert surtout de parking. La Ville propose de la repenser avec vous : "
            "plus d’ombre, plus de bancs, un marché mieux organisé et des rues alentour "
            "apaisées."
        ),
        body="""
<p>Construite au XIX<sup>e</sup> siècle, la place du Marché est le cœur du centre-ville. Elle
accueille aujourd’hui 120 places de stationnement, un marché le mardi, le jeudi et le samedi
matin, et quelques terrasses. En été, son revêtement sombre en fait l’un des points les plus
chauds de la ville.</p>
<h2>Ce qui est soumis à la concertation</h2>
<ul>
<li>la part de la place rendue aux piétons et aux terrasses ;</li>
<li>la plantation d’arbres et la création d’ombre ;</li>
<li>l’organisation du marché (emplacements, livraisons, propreté) ;</li>
<li>le mobilier : bancs, fontaine, jeux pour enfants, stationnement vélo.</li>
</ul>
<h2>Ce qui ne changera pas</h2>
<p>Le marché restera sur la place, aux mêmes jours. L’accès des riverains, des secours et des
personnes à mobilité réduite sera garanti dans tous les scénarios.</p>
<h2>Budget et calendrier</h2>
<p>L’enveloppe prévue est de 1,8 million d’euros TTC. Les travaux pourraient commencer au
printemps prochain, en dehors des périodes de fêtes.</p>
""",
        themes=["urbanisme", "mobilite", "environnement"],
        districts=["centre-ville"],
        published=-50,
        steps=[
            StepSpec(
                "diagnostic-en-marchant",
                "Diagnostic en marchant",
                (-45, 9),
                (-20, 18),
                "<p>Trois balades urbaines ont réuni 140 personnes : riverains, commerçants, "
                "marchands, parents d’élèves. Leurs constats ont été consignés dans un "
                "diagnostic partagé.</p><ul><li>une place trop chaude en été ;</li>"
                "<li>des traversées piétonnes peu sûres rue Carnot ;</li>"
                "<li>un manque de bancs et de toilettes publiques.</li></ul>",
            ),
            StepSpec(
                "ateliers-et-avis",
                "Ateliers et avis en ligne",
                (-19, 9),
                (21, 18),
                "<p>Deux scénarios d’aménagement sont présentés : « place jardin » et « place "
                "des usages ». Venez en débattre lors des ateliers du samedi matin à "
                "l’hôtel de ville, ou donnez votre avis ici.</p>",
            ),
            StepSpec(
                "restitution",
                "Restitution et choix du scénario",
                (35, 18),
                (60, 18),
                "<p>La synthèse des avis sera présentée en réunion publique, puis le conseil "
                "municipal choisira le scénario retenu et expliquera pourquoi.</p>",
            ),
        ],
    ),
    ProjectSpec(
        slug="plan-velo-2030",
        title="Plan vélo 2030 : un réseau cyclable pour tous les quartiers",
        summary=(
            "Relier chaque quartier au centre-ville et à la gare par des pistes continues et "
            "sûres : la Ville prépare son plan vélo pour les années à venir. Signalez les "
            "points noirs de vos trajets et dites-nous où vous voulez pouvoir rouler."
        ),
        body="""
<p>À Belleroche, la moitié des trajets font moins de trois kilomètres, mais seuls 4 % se font
à vélo. Beaucoup d’habitantes et d’habitants disent renoncer faute d’itinéraires sûrs.</p>
<h2>Les objectifs du plan</h2>
<ul>
<li>un réseau express vélo reliant les six quartiers au centre et à la gare ;</li>
<li>1 000 nouvelles places de stationnement vélo, dont des abris sécurisés ;</li>
<li>des rues scolaires apaisées devant chaque école ;</li>
<li>un service de location de vélos à assistance électrique.</li>
</ul>
<p>Le plan sera voté par le conseil municipal après la concertation, avec un calendrier de
réalisation et un budget annuel.</p>
""",
        themes=["mobilite", "environnement"],
        districts=[d[0] for d in DISTRICTS],
        published=-65,
        steps=[
            StepSpec(
                "etat-des-lieux",
                "État des lieux des itinéraires",
                (-60, 9),
                (-30, 18),
                "<p>Le bureau d’études a recensé 42 km d’aménagements cyclables, dont "
                "seulement 11 km séparés de la circulation automobile.</p>",
            ),
            StepSpec(
                "points-noirs",
                "Carte des points noirs",
                (-29, 9),
                (14, 23),
                "<p>Carrefours dangereux, pistes interrompues, manque de stationnement : "
                "indiquez-nous les obstacles que vous rencontrez à vélo.</p>",
            ),
            StepSpec(
                "schema-directeur",
                "Présentation du schéma directeur",
                (30, 18),
                (45, 18),
                "<p>Le projet de schéma directeur, nourri de vos contributions, sera présenté "
                "dans chaque quartier.</p>",
            ),
        ],
    ),
    ProjectSpec(
        slug="foret-urbaine-des-tanneurs",
        title="Une forêt urbaine aux Tanneurs",
        summary=(
            "Sur l’ancienne friche de la rue des Mégissiers, la Ville veut planter une forêt "
            "urbaine de 6 000 m², avec les écoles et les habitants. Quelles essences, quels "
            "chemins, quels usages ? Participez à sa conception."
        ),
        body="""
<p>La friche des Mégissiers, fermée au public depuis vingt ans, a été dépolluée l’an dernier.
Plutôt que d’y construire, la Ville propose d’y planter une forêt dense, selon la méthode dite
des « micro-forêts », qui pousse vite et rafraîchit le quartier.</p>
<h2>Le projet</h2>
<ul>
<li>environ 18 000 jeunes arbres et arbustes d’essences locales ;</li>
<li>des cheminements accessibles et une clairière pour les classes dehors ;</li>
<li>un verger partagé et des nichoirs.</li>
</ul>
<p>Les plantations seront réalisées lors de chantiers participatifs ouverts à toutes et à
tous, avec les écoles du quartier.</p>
""",
        themes=["environnement", "education"],
        districts=["les-tanneurs"],
        published=-95,
        steps=[
            StepSpec(
                "choix-du-terrain",
                "Choix du terrain",
                (-90, 9),
                (-40, 18),
                "<p>Trois terrains ont été étudiés ; la friche des Mégissiers a été retenue "
                "pour sa taille et sa proximité avec deux écoles.</p>",
            ),
            StepSpec(
                "conception",
                "Concertation sur les essences et les usages",
                (-10, 9),
                (30, 18),
                "<p>Chênes, érables, noisetiers, aubépines… Dites-nous quelles essences et "
                "quels usages vous souhaitez pour la future forêt.</p>",
            ),
            StepSpec(
                "plantation",
                "Chantier de plantation collectif",
                (120, 9),
                (121, 17),
                "<p>Deux journées de plantation ouvertes à toutes et à tous. Gants et outils "
                "fournis.</p>",
            ),
        ],
    ),
    ProjectSpec(
        slug="cours-oasis",
        title="Cours Oasis : des cours d’école plus fraîches",
        summary=(
            "Moins de bitume, plus d’arbres, de jeux et d’ombre : quatre cours d’école du "
            "Plateau Saint-Jean et des Tilleuls vont être transformées. Enfants, parents et "
            "équipes éducatives imagineront ensemble leur future cour."
        ),
        body="""
<p>Lors des dernières vagues de chaleur, la température au sol des cours d’école a dépassé
50 °C. Le programme « Cours Oasis » transforme les cours en îlots de fraîcheur, ouverts aux
habitants le week-end.</p>
<h2>Les écoles concernées cette année</h2>
<ul>
<li>école élémentaire Jules-Ferry (Plateau Saint-Jean) ;</li>
<li>école maternelle Les Coquelicots (Plateau Saint-Jean) ;</li>
<li>école élémentaire Simone-Veil (Les Tilleuls) ;</li>
<li>école maternelle Le Petit Prince (Les Tilleuls).</li>
</ul>
""",
        themes=["education", "environnement"],
        districts=["plateau-saint-jean", "les-tilleuls"],
        published=-3,
        steps=[
            StepSpec(
                "reunions-information",
                "Réunions d’information dans les écoles",
                (7, 17),
                (21, 19),
                "<p>Une réunion dans chaque école pour présenter le programme et son "
                "calendrier.</p>",
            ),
            StepSpec(
                "co-conception",
                "Ateliers de co-conception avec les enfants",
                (22, 9),
                (60, 17),
                "<p>Les enfants dessinent leur cour idéale avec des paysagistes ; les parents "
                "sont invités aux ateliers du mercredi.</p>",
            ),
            StepSpec(
                "travaux",
                "Travaux pendant les vacances",
                (150, 8),
                (200, 18),
                "<p>Les travaux auront lieu pendant les vacances scolaires.</p>",
            ),
        ],
    ),
    ProjectSpec(
        slug="maison-des-associations",
        title="Une maison des associations au Plateau Saint-Jean",
        summary=(
            "L’ancienne poste du Plateau Saint-Jean va devenir une maison des associations. "
            "Salles de réunion, bureaux partagés, cuisine, salle des fêtes : de quoi les "
            "associations du quartier ont-elles besoin ?"
        ),
        body="""
<p>Le bâtiment de l’ancienne poste, 800 m² sur deux niveaux, a été acquis par la Ville. Il
accueillera les 60 associations du quartier, qui se partagent aujourd’hui trois salles
devenues trop petites.</p>
<p>Avant de lancer le concours d’architecture, la Ville veut connaître les besoins des
associations et des habitants : horaires, équipements, règles de partage des salles.</p>
""",
        themes=["solidarites", "culture", "democratie-locale"],
        districts=["plateau-saint-jean"],
        published=-5,
        steps=[
            StepSpec(
                "appel-a-idees",
                "Appel à idées pour le lieu",
                (14, 9),
                (45, 18),
                "<p>Associations, habitantes et habitants : décrivez les activités que vous "
                "aimeriez y mener.</p>",
            ),
            StepSpec(
                "projet-architectural",
                "Présentation du projet architectural",
                (60, 18),
                (75, 18),
                "<p>Le projet lauréat du concours sera exposé dans le hall de la mairie de "
                "quartier.</p>",
            ),
        ],
    ),
    ProjectSpec(
        slug="complexe-sportif-des-tilleuls",
        title="Rénovation du complexe sportif des Tilleuls",
        summary=(
            "Gymnase vieillissant, vestiaires trop petits, piste d’athlétisme abîmée : les "
            "clubs et les usagers ont été consultés sur la rénovation du complexe sportif. "
            "Découvrez les résultats et les engagements de la Ville."
        ),
        body="""
<p>Le complexe sportif des Tilleuls accueille chaque semaine 2 500 sportives et sportifs,
14 clubs et les élèves de trois collèges et du lycée Marie-Curie.</p>
<h2>Ce que vous nous avez dit</h2>
<ul>
<li>612 réponses au questionnaire, 9 ateliers avec les clubs ;</li>
<li>priorité n° 1 : des vestiaires et des sanitaires accessibles et mixtes ;</li>
<li>priorité n° 2 : une piste d’athlétisme rénovée et éclairée ;</li>
<li>une forte demande de créneaux pour le sport féminin et le sport santé.</li>
</ul>
<h2>Ce que la Ville a décidé</h2>
<p>Le conseil municipal a voté un programme de 4,2 millions d’euros : nouveaux vestiaires,
piste rénovée, éclairage basse consommation, et 10 créneaux hebdomadaires réservés au sport
féminin et au sport santé.</p>
""",
        themes=["sport"],
        districts=["les-tilleuls"],
        published=-210,
        steps=[
            StepSpec(
                "questionnaire",
                "Questionnaire aux clubs et aux usagers",
                (-200, 9),
                (-170, 18),
                "<p>Un questionnaire ouvert à toutes et à tous sur l’usage du complexe.</p>",
            ),
            StepSpec(
                "ateliers-usagers",
                "Ateliers avec les usagers",
                (-160, 18),
                (-130, 21),
                "<p>Neuf ateliers avec les clubs, les enseignants d’EPS et les riverains.</p>",
            ),
            StepSpec(
                "resultats",
                "Résultats et engagements de la Ville",
                (-120, 9),
                (-60, 18),
                "<p>La synthèse de la concertation et le programme voté par le conseil "
                "municipal.</p>",
            ),
        ],
    ),
    ProjectSpec(
        slug="horaires-mediatheque-des-rives",
        title="Médiathèque des Rives : de nouveaux horaires d’ouverture",
        summary=(
            "Ouvrir le dimanche ? Plus tard le soir ? La médiathèque a interrogé son public "
            "sur ses horaires. Les nouveaux horaires, issus de cette consultation, sont en "
            "place : voici le bilan."
        ),
        body="""
<p>La médiathèque des Rives était ouverte 28 heures par semaine, surtout en journée. Une
enquête a été menée auprès des usagers et des non-usagers pour adapter les horaires aux modes
de vie.</p>
<h2>Résultats</h2>
<ul>
<li>1 147 réponses, dont 38 % de personnes qui ne fréquentaient pas la médiathèque ;</li>
<li>ouverture jusqu’à 20 h le mardi et le jeudi ;</li>
<li>ouverture le dimanche après-midi d’octobre à avril.</li>
</ul>
""",
        themes=["culture", "education"],
        districts=["les-rives"],
        published=-160,
        steps=[
            StepSpec(
                "enquete",
                "Enquête auprès du public",
                (-150, 9),
                (-120, 18),
                "<p>Une enquête en ligne et sur papier, à la médiathèque et au marché.</p>",
            ),
            StepSpec(
                "bilan",
                "Bilan et nouveaux horaires",
                (-110, 9),
                (-30, 18),
                "<p>Les nouveaux horaires ont été testés pendant deux mois puis adoptés.</p>",
            ),
        ],
    ),
    ProjectSpec(
        slug="charte-vie-nocturne",
        title="Charte de la vie nocturne en centre-ville",
        summary=(
            "Concilier animation du centre-ville et tranquillité des riverains : un projet de "
            "charte entre la Ville, les établissements de nuit et les habitants."
        ),
        body="""
<p>Projet en préparation, non publié : les services rédigent la présentation et le
calendrier de la concertation.</p>
<ul>
<li>horaires des terrasses ;</li>
<li>médiation de nuit ;</li>
<li>propreté et gestion des déchets.</li>
</ul>
""",
        themes=["democratie-locale", "urbanisme"],
        districts=["centre-ville"],
        visibility=Project.Visibility.DRAFT,
        published=-1,
        cover=False,
        steps=[
            StepSpec(
                "concertation-riverains",
                "Concertation des riverains et des établissements",
                (40, 9),
                (70, 18),
                "<p>Brouillon : dates à confirmer.</p>",
            ),
        ],
    ),
    ProjectSpec(
        slug="conseil-citoyen-feuille-de-route",
        title="Conseil citoyen : feuille de route de l’année",
        summary=(
            "Espace de travail réservé aux membres du conseil citoyen : choix des sujets de "
            "l’année et calendrier des séances."
        ),
        body="""
<p>Le conseil citoyen réunit 30 habitantes et habitants tirés au sort et volontaires. Il
choisit chaque année les sujets sur lesquels il rendra un avis au conseil municipal.</p>
<p>Cet espace est réservé à ses membres ; ses avis seront publiés sur la plateforme.</p>
""",
        themes=["democratie-locale"],
        districts=[],
        visibility=Project.Visibility.RESTRICTED,
        groups=[COUNCIL_GROUP],
        published=-35,
        steps=[
            StepSpec(
                "installation",
                "Séance d’installation",
                (-30, 18),
                (-30, 21),
                "<p>Présentation des membres, du règlement intérieur et des moyens du conseil.</p>",
            ),
            StepSpec(
                "sujets",
                "Propositions de sujets",
                (-7, 9),
                (21, 18),
                "<p>Chaque membre peut proposer jusqu’à trois sujets ; le choix sera fait "
                "en séance.</p>",
            ),
        ],
    ),
]


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def ascii_slug(text: str) -> str:
    """``"Jean-Pierre Lefèvre"`` → ``"jean-pierre-lefevre"`` (letters, digits, hyphens)."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    out = "".join(c if c.isalnum() else "-" for c in plain)
    return "-".join(part for part in out.split("-") if part)


def participant_username(full_name: str) -> str:
    first, _sep, last = full_name.partition(" ")
    return f"{ascii_slug(first)}.{ascii_slug(last)}"


def district_polygons(
    centre: tuple[float, float], count: int, inner: float = 0.008, outer: float = 0.03
) -> list[dict]:
    """A disc for the centre, then ``count - 1`` ring sectors around it (GeoJSON Polygons).

    Radii are in degrees of latitude; longitudes are stretched so shapes look round on a map.
    Rings are counter-clockwise, as RFC 7946 asks of exterior rings.
    """
    lat0, lng0 = centre
    stretch = 1 / math.cos(math.radians(lat0))

    def point(radius: float, angle: float) -> list[float]:
        a = math.radians(angle)
        return [
            round(lng0 + radius * math.cos(a) * stretch, 5),
            round(lat0 + radius * math.sin(a), 5),
        ]

    def ring(points: list[list[float]]) -> dict:
        return {"type": "Polygon", "coordinates": [[*points, points[0]]]}

    sectors = count - 1
    shapes = [ring([point(inner, a) for a in range(0, 360, 20)])]
    for i in range(sectors):
        a0 = 90 + i * 360 / sectors
        a1 = a0 + 360 / sectors
        arc = [a0 + (a1 - a0) * k / 6 for k in range(7)]
        # Outer edge slightly irregular (a function of the angle only, so that neighbours
        # share their boundary): the districts do not look like a pie chart.
        outer_edge = [point(outer * (1 + 0.12 * math.sin(math.radians(5 * a))), a) for a in arc]
        inner_edge = [point(inner, a) for a in reversed(arc)]
        shapes.append(ring(outer_edge + inner_edge))
    return shapes


def _summarise(value: Any) -> Any:
    if isinstance(value, str) and len(value) > 200:
        return value[:200] + "…"
    return value


def _attach_image(file: FieldFile, filename: str, make) -> bool:
    """Point an empty image field at ``filename``, drawing the image only if not stored yet.

    Returns True when an image was drawn. Reusing an existing file means that flushing the
    database and loading the demo again does not pile up copies in the media folder.
    """
    path = file.field.generate_filename(file.instance, filename)
    if file.storage.exists(path):
        file.name = path
        return False
    file.save(filename, ContentFile(make()), save=False)
    return True


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    images: int = 0
    bench_created: int = 0


class DemoLoader:
    """Loads the demo; ``run()`` is meant to be called inside one transaction."""

    def __init__(self, *, password: str, now: datetime) -> None:
        self.password = password
        self.now = now
        self.today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
        self.tally = Tally()
        self.admin: User | None = None
        # Filled by run(), for the step kinds' demo hooks.
        self.user_map: dict[str, User] = {}  # by username
        self.theme_map: dict[str, Theme] = {}  # by slug
        self.district_map: dict[str, District] = {}  # by slug
        self.group_map: dict[str, Group] = {}  # by name
        self.loaded_projects: list[Project] = []
        self.kind_reports: list[str] = []
        kinds = [kind for kind, _label in components.kind_choices()]
        if not kinds:
            raise CommandError("Aucun type d'étape n'est enregistré : rien à charger.")
        # The only kind that needs no settings; other kinds seed their own demo data.
        self.step_kind = "presentation" if "presentation" in kinds else kinds[0]

    def at(self, days: int, hour: int) -> datetime:
        """A time ``days`` after today at ``hour`` (local time): stable within a day."""
        return self.today + timedelta(days=days, hours=hour)

    # -- generic upsert through the service ------------------------------------------------

    def upsert(
        self,
        model: type[models.Model],
        lookup: dict,
        values: dict,
        *,
        m2m: dict[str, list[models.Model]] | None = None,
        prepare=None,
    ) -> models.Model:
        """Create or update one object through ``services.content_save``; log only changes."""
        obj = model.objects.filter(**lookup).first()
        created = obj is None
        if created:
            obj = model(**lookup)
        changes: dict[str, Any] = {}
        for name, value in values.items():
            if created or getattr(obj, name) != value:
                setattr(obj, name, value)
                changes[name] = _summarise(value)
        relations: dict[str, list[models.Model]] = {}
        for name, targets in (m2m or {}).items():
            current = set() if created else set(getattr(obj, name).values_list("pk", flat=True))
            if current != {t.pk for t in targets}:
                relations[name] = targets
                changes[name] = sorted(str(t) for t in targets)
        if prepare is not None:
            prepare(obj, changes)
        if not (created or changes):
            self.tally.unchanged += 1
            return obj
        obj.full_clean(validate_unique=False, validate_constraints=False)

        def save() -> None:
            obj.save()
            for name, targets in relations.items():
                getattr(obj, name).set(targets)

        services.content_save(
            actor=self.admin, obj=obj, created=created, changes=changes, save=save
        )
        if created:
            self.tally.created += 1
        else:
            self.tally.updated += 1
        return obj

    # -- accounts ------------------------------------------------------------------------------

    def accounts(self) -> dict[str, User]:
        specs = [
            {**ADMIN, "role": User.Role.ADMINISTRATOR, "is_superuser": True, "days": 400},
            {**MODERATOR, "role": User.Role.MODERATOR, "is_superuser": False, "days": 390},
        ]
        for i, full_name in enumerate(PARTICIPANTS):
            first, _sep, last = full_name.partition(" ")
            username = participant_username(full_name)
            specs.append(
                {
                    "email": f"{username}@example.org",
                    "username": username,
                    "first_name": first,
                    "last_name": last,
                    "bio": BIOS.get(username, ""),
                    "zip_code": ZIP_CODES[i % len(ZIP_CODES)],
                    "role": User.Role.PARTICIPANT,
                    "is_superuser": False,
                    # Spread over the past year, older accounts first, a little irregular.
                    "days": 360 - i * 7 + (i * 37) % 5,
                    "hour": 8 + (i * 5) % 13,
                }
            )
        emails = [s["email"] for s in specs]
        existing = {u.email: u for u in User.objects.filter(email__in=emails)}
        taken = set(
            User.objects.filter(username__in=[s["username"] for s in specs])
            .exclude(email__in=emails)
            .values_list("username", flat=True)
        )
        hashed: str | None = None

        def password_hash() -> str:
            nonlocal hashed
            if hashed is None:  # one (slow, Argon2) hash shared by every demo account
                hashed = make_password(self.password)
            return hashed

        profile_fields = ["first_name", "last_name", "bio", "zip_code"]
        new, changed = [], []
        for spec in specs:
            user = existing.get(spec["email"])
            if user is None:
                username = spec["username"]
                while username in taken:
                    username += "-demo"
                joined = self.now - timedelta(days=spec["days"], hours=spec.get("hour", 10))
                new.append(
                    User(
                        email=spec["email"],
                        username=username,
                        password=password_hash(),
                        is_superuser=spec["is_superuser"],
                        is_staff=spec["is_superuser"],
                        date_joined=joined,
                        charter_accepted_at=joined + timedelta(minutes=3),
                        **{f: spec.get(f, "") for f in profile_fields},
                    )
                )
            else:
                dirty = False
                for name in profile_fields:
                    if getattr(user, name) != spec.get(name, ""):
                        setattr(user, name, spec.get(name, ""))
                        dirty = True
                if spec["is_superuser"] and not (user.is_superuser and user.is_active):
                    user.is_superuser = user.is_active = True
                    dirty = True
                if user.charter_accepted_at is None:
                    user.charter_accepted_at = user.date_joined
                    dirty = True
                if dirty:
                    changed.append(user)
        User.objects.bulk_create(new)
        if changed:
            User.objects.bulk_update(
                changed, [*profile_fields, "is_superuser", "is_active", "charter_accepted_at"]
            )

        # Passwords: check each distinct stored hash once (usually one), reset the others.
        if existing:
            by_hash: dict[str, list[int]] = defaultdict(list)
            for user in existing.values():
                by_hash[user.password].append(user.pk)
            stale = [
                pk
                for encoded, pks in by_hash.items()
                if not check_password(self.password, encoded)
                for pk in pks
            ]
            if stale:
                User.objects.filter(pk__in=stale).update(password=password_hash())

        users = {u.email: u for u in User.objects.filter(email__in=emails)}
        self.admin = users[ADMIN["email"]]
        for spec in specs:
            user = users[spec["email"]]
            if user.role != spec["role"]:
                # The administrator bootstraps itself; other roles are granted by it.
                actor = None if user == self.admin else self.admin
                services.user_set_role(actor=actor, user=user, role=spec["role"])
        self.verified_emails(list(users.values()))
        return {spec["username"]: users[spec["email"]] for spec in specs}

    def verified_emails(self, users: list[User]) -> None:
        """A verified primary allauth address for each account, so it can log in at once."""
        ids = [u.pk for u in users]
        emails = [u.email.lower() for u in users]
        EmailAddress.objects.filter(user_id__in=ids, primary=True).exclude(email__in=emails).update(
            primary=False
        )
        existing = {
            (a.user_id, a.email.lower()): a for a in EmailAddress.objects.filter(user_id__in=ids)
        }
        new, fix = [], []
        for user in users:
            address = existing.get((user.pk, user.email.lower()))
            if address is None:
                new.append(
                    EmailAddress(user=user, email=user.email.lower(), verified=True, primary=True)
                )
            elif not (address.verified and address.primary):
                fix.append(address.pk)
        EmailAddress.objects.bulk_create(new)
        if fix:
            EmailAddress.objects.filter(pk__in=fix).update(verified=True, primary=True)

    # -- organisation, pages, themes, districts --------------------------------------------------

    def organisation(self) -> Organisation:
        values = dict(ORGANISATION)

        def logo(org: Organisation, changes: dict) -> None:
            if not org.logo:
                drawn = _attach_image(
                    org.logo,
                    "belleroche-logo.png",
                    lambda: demo_images.logo_png(
                        "VB", values["primary_colour"], values["secondary_colour"]
                    ),
                )
                self.tally.images += drawn
                changes["logo"] = org.logo.name

        return self.upsert(Organisation, {"pk": 1}, values, prepare=logo)

    def pages(self) -> list[Page]:
        pages = []
        for spec in PAGES:
            values = {
                "title": spec["title"],
                "slug": spec["slug"],
                "body": spec["body"].strip(),
                "in_footer": True,
                "position": spec["position"],
            }
            if spec["kind"] == Page.Kind.OTHER:
                lookup = {"slug": spec["slug"], "kind": spec["kind"]}
                del values["slug"]
            else:  # one page per legal kind (a constraint): reuse it whatever its slug
                lookup = {"kind": spec["kind"]}
            pages.append(self.upsert(Page, lookup, values))
        return pages

    def themes(self) -> dict[str, Theme]:
        return {
            slug: self.upsert(
                Theme,
                {"slug": slug},
                {"name": name, "colour": colour, "description": description, "position": i},
            )
            for i, (slug, name, colour, description) in enumerate(THEMES)
        }

    def districts(self) -> dict[str, District]:
        shapes = district_polygons(CENTRE, len(DISTRICTS))
        return {
            slug: self.upsert(
                District,
                {"slug": slug},
                {"name": name, "description": description, "geojson": shape, "position": i},
            )
            for i, ((slug, name, description), shape) in enumerate(
                zip(DISTRICTS, shapes, strict=True)
            )
        }

    def council(self, users: dict[str, User]) -> Group:
        group, _created = Group.objects.get_or_create(name=COUNCIL_GROUP)
        group.user_set.add(*(users[name] for name in COUNCIL_MEMBERS))
        return group

    # -- projects ----------------------------------------------------------------------------------

    def projects(self, themes, districts, groups) -> list[Project]:
        return [self.project(spec, themes, districts, groups) for spec in PROJECTS]

    def project(self, spec: ProjectSpec, themes=None, districts=None, groups=None) -> Project:
        """Create or update one project and its steps (also for the step kinds' demo hooks)."""
        themes = self.theme_map if themes is None else themes
        districts = self.district_map if districts is None else districts
        groups = self.group_map if groups is None else groups
        # Main theme colour, then the warm brand colour (sun, path), then the other themes.
        theme_colours = [themes[slug].colour for slug in spec.themes]
        colours = [*theme_colours[:1], ORGANISATION["secondary_colour"], *theme_colours[1:]]

        def cover(project: Project, changes: dict) -> None:
            if spec.cover and not project.cover:
                drawn = _attach_image(
                    project.cover,
                    f"{spec.slug}.png",
                    lambda: demo_images.cover_png(colours, seed=spec.slug),
                )
                self.tally.images += drawn
                changes["cover"] = project.cover.name

        project = self.upsert(
            Project,
            {"slug": spec.slug},
            {
                "title": spec.title,
                "summary": spec.summary,
                "body": spec.body.strip(),
                # Abstract illustrations carry no information: decorative, empty alt.
                "cover_alt": "",
                "visibility": spec.visibility,
                "published_at": self.at(spec.published, 8),
                "position": 0,
            },
            m2m={
                "themes": [themes[s] for s in spec.themes],
                "districts": [districts[s] for s in spec.districts],
                "allowed_groups": [groups[name] for name in spec.groups],
            },
            prepare=cover,
        )
        for position, step in enumerate(spec.steps, start=1):
            self.upsert(
                Step,
                {"project": project, "slug": step.slug},
                {
                    "title": step.title,
                    "kind": step.kind if components.step_kind(step.kind) else self.step_kind,
                    "position": position,
                    "starts_at": self.at(*step.start),
                    "ends_at": self.at(*step.end),
                    "body": step.body,
                },
            )
        self.loaded_projects.append(project)
        return project

    def kind_demos(self) -> list[Project]:
        """Each component's own demo (``Component.demo``); the projects it added."""
        start = len(self.loaded_projects)
        for component in components.components():
            if component.demo is not None:
                self.kind_reports += component.demo(self) or []
        return self.loaded_projects[start:]

    def bench_projects(self, count: int, themes: list[Theme], districts: list[District]) -> int:
        """``count`` generic public projects, two steps each, in bulk (benchmark seed)."""
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
        Project.objects.bulk_create(
            [
                Project(
                    title=f"Projet de test n° {i:04d} : {themes[i % len(themes)].name.lower()}",
                    slug=slug,
                    summary=f"Projet de test n° {i} pour mesurer les performances de la "
                    "plateforme avec beaucoup de projets.",
                    body=body,
                    visibility=Project.Visibility.PUBLIC,
                    published_at=self.at(-1 - i % 365, 8),
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
                        kind=self.step_kind,
                        starts_at=self.at(start, 9),
                        ends_at=self.at(end, 18),
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
            actor=self.admin,
            action="bulk_create",
            changes={
                "model": "core.project",
                "count": len(missing),
                "slugs": f"{missing[0][1]} … {missing[-1][1]}",
            },
        )
        return len(missing)

    def run(self, *, extra_projects: int = 0) -> dict:
        users = self.accounts()
        organisation = self.organisation()
        pages = self.pages()
        themes = self.themes()
        districts = self.districts()
        group = self.council(users)
        projects = self.projects(themes, districts, {COUNCIL_GROUP: group})
        self.user_map, self.theme_map, self.district_map = users, themes, districts
        self.group_map = {COUNCIL_GROUP: group}
        projects += self.kind_demos()
        if extra_projects:
            self.tally.bench_created = self.bench_projects(
                extra_projects, list(themes.values()), list(districts.values())
            )
        return {
            "users": users,
            "organisation": organisation,
            "pages": pages,
            "themes": themes,
            "districts": districts,
            "group": group,
            "projects": projects,
        }


class Command(BaseCommand):
    help = (
        "Charge ou remet à jour la démonstration : la Ville de Belleroche (fictive), ses "
        "quartiers, ses projets et 52 comptes. Sans doublon si on la relance."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=f"mot de passe de tous les comptes de démonstration ({DEFAULT_PASSWORD})",
        )
        parser.add_argument(
            "--projects",
            type=int,
            default=0,
            metavar="N",
            help="crée aussi N projets génériques (2 étapes chacun) pour les tests de charge",
        )

    def handle(self, *args, password: str, projects: int, **options):
        if projects < 0:
            raise CommandError("--projects doit être positif ou nul.")
        if not password:
            raise CommandError("--password ne peut pas être vide.")
        logs_before = ActionLog.objects.count()
        loader = DemoLoader(password=password, now=timezone.now())
        with transaction.atomic():
            data = loader.run(extra_projects=projects)
        logs = ActionLog.objects.count() - logs_before
        if options["verbosity"] >= 1:
            self.report(loader, data, password=password, logs=logs, bench=projects)

    def report(self, loader: DemoLoader, data: dict, *, password: str, logs: int, bench: int):
        out, style = self.stdout.write, self.style
        tally = loader.tally
        projects = data["projects"]
        labels = {
            "open": "en cours",
            "upcoming": "à venir",
            "closed": "terminés",
            "restricted": "restreint",
            "draft": "brouillon",
        }
        by_status = dict.fromkeys(labels.values(), 0)
        for project in Project.objects.filter(pk__in=[p.pk for p in projects]).prefetch_related(
            "steps"
        ):
            if project.visibility != Project.Visibility.PUBLIC:
                by_status[labels[project.visibility]] += 1
            else:
                by_status[labels[project.status]] += 1
        users = data["users"]
        participant = users[participant_username(PARTICIPANTS[0])]
        member = users[COUNCIL_MEMBERS[0]]
        out(style.SUCCESS(f"Démonstration « {data['organisation'].name} » chargée."))
        out(
            f"  {len(data['pages'])} pages, {len(data['themes'])} thèmes, "
            f"{len(data['districts'])} quartiers, {len(projects)} projets "
            f"({', '.join(f'{n} {label}' for label, n in by_status.items())}), "
            f"{Step.objects.filter(project__in=projects).count()} étapes."
        )
        out(
            f"  {len(users)} comptes (1 administratrice, 1 modérateur, {len(PARTICIPANTS)} "
            f"participant·es) ; groupe « {COUNCIL_GROUP} » : {data['group'].user_set.count()} "
            "membres."
        )
        for line in loader.kind_reports:
            out(f"  {line}")
        if bench:
            total = Project.objects.filter(slug__startswith=BENCH_PREFIX).count()
            out(f"  Projets de test de charge : {tally.bench_created} créés, {total} en tout.")
        out(
            f"  Ce passage : {tally.created} objets créés, {tally.updated} mis à jour, "
            f"{tally.unchanged} inchangés, {tally.images} images dessinées, "
            f"{logs} entrées ajoutées au journal des actions."
        )
        out("")
        out(style.MIGRATE_HEADING(f"Comptes (mot de passe commun : {password})"))
        out(f"  Administratrice      {ADMIN['email']}")
        out(f"  Modérateur           {MODERATOR['email']}")
        out(f"  Participante         {participant.email}")
        out(f"  Conseil citoyen      {member.email}  (voit le projet restreint)")
        out("")
        out(f"  Site          {SITE_URL}")
        out(f"  Back-office   {SITE_URL}admin/")
