"""The consultation's demo, called by ``manage.py load_demo`` (``StepKind.demo``).

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

from palabre.core.management.commands.load_demo import ProjectSpec, StepSpec

from . import services
from .models import (
    Argument,
    ArgumentVote,
    Consultation,
    Opinion,
    OpinionVote,
    Section,
    Sort,
    Source,
    SourceVote,
    Version,
    VersionVote,
    VoteValue,
    VoteWidget,
)

PROJECT_SLUG = "belleroche-2030-ville-numerique"
CLOSED_STEP = "orientations"
OPEN_STEP = "projet-de-deliberation"
SEED = "belleroche-2030"

PROJECT = ProjectSpec(
    slug=PROJECT_SLUG,
    title="Belleroche 2030 : projet de délibération sur la ville numérique",
    summary=(
        "Données publiques ouvertes, algorithmes expliqués, accueil humain garanti, sobriété : "
        "la Ville soumet à la consultation, article par article, le projet de délibération "
        "qui fixera sa politique numérique jusqu’en 2030. Votez, argumentez, amendez."
    ),
    body="""
<p>Belleroche publie déjà quelques données, propose une vingtaine de démarches en ligne et
achète chaque année près de 400 ordinateurs. Mais ces choix se font au cas par cas. La
municipalité veut les inscrire dans une délibération du conseil municipal, qui engagera la Ville
jusqu’en 2030.</p>
<h2>Comment participer</h2>
<ul>
<li>lisez le projet de délibération, article par article, et dites si vous êtes d’accord ;</li>
<li>proposez une nouvelle rédaction d’un article (un amendement) ;</li>
<li>ajoutez des arguments pour ou contre, et des sources pour étayer le débat ;</li>
<li>déposez vos propres propositions dans la section « Propositions citoyennes ».</li>
</ul>
<h2>Et après ?</h2>
<p>Chaque article, chaque amendement et chaque proposition recevra une réponse de la Ville. Le
texte final, accompagné d’un bilan de la consultation, sera soumis au vote du conseil
municipal.</p>
""",
    themes=["democratie-locale", "solidarites", "education"],
    districts=[
        "centre-ville",
        "les-tanneurs",
        "plateau-saint-jean",
        "les-rives",
        "les-tilleuls",
        "faubourg-de-la-gare",
    ],
    published=-80,
    steps=[
        StepSpec(
            CLOSED_STEP,
            "Consultation sur les orientations",
            (-75, 9),
            (-45, 18),
            "<p>Première étape : six grandes orientations étaient soumises à votre avis. "
            "Elles ont toutes été reprises dans le projet de délibération, sauf la cinquième, "
            "jugée trop vague et réécrite dans l’article 14.</p>",
            kind="consultation",
        ),
        StepSpec(
            OPEN_STEP,
            "Consultation sur le projet de délibération",
            (-18, 9),
            (24, 18),
            "<p>Le projet de délibération est ouvert aux votes, aux amendements et aux "
            "arguments jusqu’à la fin de l’étape. Vous pouvez aussi déposer vos propres "
            "propositions.</p>",
            kind="consultation",
        ),
        StepSpec(
            "vote-du-conseil-municipal",
            "Bilan et vote du conseil municipal",
            (40, 18),
            (40, 22),
            "<p>Le bilan de la consultation et le texte final seront présentés au conseil "
            "municipal, qui votera la délibération en séance publique.</p>",
        ),
    ],
)

# --- the open consultation: the draft text ---------------------------------------------------

TITRE_I = """
Article 1 — Ouverture des données par défaut

La Ville de Belleroche et ses établissements publics mettent à la disposition du public, dans un standard ouvert et lisible par machine, les données qu’ils produisent ou reçoivent dans l’exercice de leurs missions, dès lors que ces données présentent un intérêt économique, social, sanitaire ou environnemental.

Cette mise à disposition intervient dans un délai de deux ans à compter de l’adoption de la présente délibération, puis au fil de l’eau, au plus tard un an après la production des données.

Ne sont pas publiées les données à caractère personnel, sauf anonymisation préalable, ni les informations protégées par un secret prévu par la loi.

Article 2 — Licence et gratuité

Les données publiées par la Ville sont réutilisables gratuitement, par toute personne et pour tout usage, y compris commercial, sous la Licence Ouverte Etalab 2.0.

La Ville ne peut soumettre leur réutilisation à aucune redevance ni à aucune inscription préalable.

Article 3 — Données d’intérêt général des délégataires

Les contrats de délégation de service public conclus ou renouvelés par la Ville (transports urbains, eau, déchets, stationnement) prévoient que le délégataire fournit à la Ville, dans un standard ouvert, les données collectées ou produites à l’occasion de l’exploitation du service.

La Ville peut publier ces données, sous réserve des secrets protégés par la loi.

Article 4 — Transparence des algorithmes publics

Toute décision individuelle prise sur le fondement d’un traitement algorithmique (attribution des places en crèche, des logements sociaux, des créneaux sportifs) comporte une mention explicite qui en informe la personne intéressée.

La Ville publie en ligne les règles définissant ces traitements et leurs principales caractéristiques, ainsi que leur code source lorsqu’elle en dispose.

Article 5 — Priorité aux logiciels libres

Lors de l’acquisition ou du développement de logiciels, la Ville encourage l’utilisation des logiciels libres et des formats ouverts.

Les logiciels développés par ou pour la Ville sont publiés sous licence libre, sauf motif de sécurité.

Article 6 — Registre des capteurs dans l’espace public

La Ville tient à jour et publie un registre des capteurs et caméras qu’elle installe dans l’espace public : emplacement, finalité, données collectées, durée de conservation et responsable du traitement.

Aucun dispositif de reconnaissance biométrique n’est installé dans l’espace public municipal.

Article 7 — Budget ouvert

Le budget primitif, le compte administratif et les subventions versées aux associations sont publiés chaque année en données ouvertes, au niveau le plus fin de la nomenclature comptable.

Une présentation simplifiée, accompagnée de graphiques, est publiée sur la plateforme de participation.

Article 8 — Commande publique

Les données essentielles des marchés publics passés par la Ville (objet, montant, titulaire, durée) sont publiées dans un délai de deux mois suivant leur notification.

Article 9 — Conseil municipal en ligne

Les séances du conseil municipal sont retransmises en direct et restent consultables en ligne pendant au moins six ans.

Les délibérations, les procès-verbaux et le vote de chaque élu sont publiés dans un délai de quinze jours.

Article 10 — Portail de données et qualité

Les données sont publiées sur un portail unique, avec leur documentation, leur date de mise à jour et une interface de programmation (API) lorsque leur fréquence de mise à jour le justifie.

Toute personne peut signaler une erreur ou demander l’ouverture d’un jeu de données ; la Ville répond dans un délai d’un mois.

Article 11 — Comité citoyen de la donnée

Il est créé un comité citoyen de la donnée, composé de douze habitantes et habitants tirés au sort et de quatre personnes qualifiées. Il rend un avis sur la politique d’ouverture des données et sur tout nouveau traitement algorithmique mentionné à l’article 4.

Ses avis sont publics.

Article 12 — Évaluation

Le maire présente chaque année au conseil municipal un rapport sur la mise en œuvre du présent titre, qui recense les jeux de données publiés, les demandes reçues et les suites qui leur ont été données.
"""  # noqa: E501

TITRE_II = """
Article 13 — Droit à un accueil humain

Aucune démarche administrative municipale n’est accessible exclusivement en ligne. Chaque démarche peut être accomplie à l’accueil de l’hôtel de ville, dans les mairies de quartier ou par téléphone.

Article 14 — Médiation numérique dans chaque quartier

La Ville garantit dans chacun des six quartiers un lieu de médiation numérique, ouvert au moins deux demi-journées par semaine, où des conseillers numériques accompagnent gratuitement les habitants dans leurs démarches.

Article 15 — Accessibilité des services en ligne

Les sites et services en ligne de la Ville respectent le référentiel général d’amélioration de l’accessibilité (RGAA). Leur déclaration d’accessibilité est publiée et mise à jour chaque année.

Article 16 — Sobriété numérique

La Ville privilégie l’achat de matériel reconditionné, allonge à sept ans la durée d’utilisation de ses ordinateurs et donne ses équipements réformés aux associations et aux écoles.

Article 17 — Wi-Fi public respectueux de la vie privée

Le réseau Wi-Fi public de la Ville est accessible sans création de compte. Les données de connexion ne sont conservées que le temps exigé par la loi et ne sont jamais utilisées à des fins commerciales.
"""  # noqa: E501

INTRO = (
    "<p>Le projet de délibération compte dix-sept articles en deux titres. Pour chacun, "
    "dites si vous êtes d’accord, mitigé·e ou pas d’accord, et pourquoi. Vous pouvez "
    "proposer une autre rédaction : les amendements les plus soutenus seront examinés en "
    "commission.</p>"
)

PROPOSALS_SLUG = "propositions-citoyennes"

SECTIONS = [
    {
        "slug": "titre-1-une-ville-ouverte",
        "title": "Titre I : Une ville ouverte",
        "body": "<p>Données publiques, algorithmes, logiciels libres, budget et conseil "
        "municipal : ce que la Ville rend public, et comment.</p>",
        "authors": Section.Authors.ORGANISERS,
        "vote_widget": VoteWidget.AGREE,
        "default_sort": Sort.OLDEST,
        "colour": "#1d4e89",
        "text": TITRE_I,
    },
    {
        "slug": "titre-2-une-ville-numerique-pour-tous",
        "title": "Titre II : Une ville numérique pour toutes et tous",
        "body": "<p>Accueil humain, médiation, accessibilité et sobriété : personne ne doit "
        "rester à la porte des services publics.</p>",
        "authors": Section.Authors.ORGANISERS,
        "vote_widget": VoteWidget.AGREE,
        "default_sort": Sort.OLDEST,
        "colour": "#2e7d32",
        "text": TITRE_II,
    },
    {
        "slug": PROPOSALS_SLUG,
        "title": "Propositions citoyennes",
        "body": "<p>Une idée pour la ville numérique qui ne figure pas dans le texte ? "
        "Proposez-la ; soutenez celles des autres.</p>",
        "authors": Section.Authors.PARTICIPANTS,
        "vote_widget": VoteWidget.SIMPLE,
        "default_sort": Sort.RANDOM,
        "colour": "#e8833a",
        "allow_versions": False,
        "text": "",
    },
]

# (author, title, text): submitted through services.opinion_create.
PROPOSALS = [
    (
        "camille.martin",
        "Un atelier de réparation d’ordinateurs à la médiathèque",
        "Chaque samedi matin, des bénévoles aideraient à réparer ordinateurs et téléphones, "
        "et installeraient des logiciels libres sur les vieux ordinateurs pour leur donner "
        "une seconde vie.",
    ),
    (
        "aicha.traore",
        "Les horaires des bus en temps réel, en données ouvertes",
        "Le transporteur connaît la position de chaque bus. Publier ces données permettrait "
        "à n’importe quelle application d’afficher les vrais horaires de passage.",
    ),
    (
        "olivier.schmitt",
        "Une carte ouverte des arbres de la ville",
        "Espèce, âge, état sanitaire : la Ville inventorie déjà ses arbres. Une carte publique "
        "permettrait aux habitants de signaler un arbre malade et de suivre les plantations.",
    ),
    (
        "jean-pierre.lefevre",
        "Des cours d’informatique pour les seniors dans les maisons de quartier",
        "Des ateliers en petits groupes, près de chez soi : envoyer un courriel, faire une "
        "visio avec ses petits-enfants, déclarer ses impôts, se méfier des arnaques.",
    ),
    (
        "dimitri.popescu",
        "Un hackathon annuel sur les données de la Ville",
        "Un week-end par an, habitants, étudiants et agents construiraient ensemble des "
        "outils utiles à partir des données publiées. Les meilleurs projets seraient "
        "accompagnés pendant un an.",
    ),
    (
        "fatou.ndiaye",
        "Pouvoir payer la cantine et le périscolaire au guichet",
        "Depuis le nouveau portail famille, on ne peut plus payer qu’en ligne par carte. "
        "Beaucoup de familles n’ont pas de carte bancaire ou n’osent pas l’utiliser sur "
        "internet.",
    ),
    (
        "gaelle.kerbrat",
        "Numériser et publier les archives municipales anciennes",
        "Registres, plans, cartes postales, délibérations du XIXᵉ siècle : les mettre en "
        "ligne les rendrait accessibles aux écoles, aux chercheurs et aux curieux.",
    ),
    (
        "karim.haddad",
        "Signaler en ligne un problème de voirie, avec un suivi public",
        "Un trou dans la chaussée, un lampadaire éteint, un dépôt sauvage : chacun pourrait "
        "le signaler avec une photo et voir où en est sa demande.",
    ),
    (
        "leila.mansouri",
        "Prêter des ordinateurs aux familles qui n’en ont pas",
        "Certains élèves font leurs devoirs sur le téléphone de leurs parents. Les "
        "ordinateurs réformés par la Ville pourraient leur être prêtés pour l’année scolaire.",
    ),
    (
        "mei.chen",
        "Une carte des commerces de proximité avec leurs horaires",
        "Les commerçants tiendraient eux-mêmes à jour leurs horaires et leurs fermetures "
        "exceptionnelles, et les données seraient ouvertes.",
    ),
    (
        "rachid.el-amrani",
        "Publier les demandes de permis de construire en cours",
        "On découvre les projets immobiliers quand le chantier commence. Publier les demandes "
        "en cours, avec le plan de situation, permettrait d’en débattre à temps.",
    ),
]

# (article, author, title, [(old, new)…], explanation): a new wording of an article's text.
# ``old`` None appends ``new`` as a new paragraph.
VERSIONS = [
    (
        "Article 1",
        "dimitri.popescu",
        "Ouvrir les données en un an, pas en deux",
        [
            ("dans un délai de deux ans", "dans un délai d’un an"),
            ("au plus tard un an après", "au plus tard six mois après"),
        ],
        "Deux ans, c’est presque la fin du mandat. La plupart des données existent déjà sous "
        "forme de tableaux : un an suffit.",
    ),
    (
        "Article 1",
        "gaelle.kerbrat",
        "Laisser les habitants choisir les premières données publiées",
        [
            (
                None,
                "L’ordre de publication des jeux de données est établi après une consultation "
                "des habitants sur la plateforme de participation.",
            )
        ],
        "Commencer par les données que les gens attendent vraiment.",
    ),
    (
        "Article 2",
        "rachid.el-amrani",
        "Exiger le partage à l’identique",
        [
            (
                "sous la Licence Ouverte Etalab 2.0",
                "sous la licence ODbL, qui impose de partager à l’identique les bases de "
                "données qui en sont dérivées",
            )
        ],
        "Les grandes plateformes ne doivent pas pouvoir s’approprier nos données sans rien rendre.",
    ),
    (
        "Article 4",
        "aicha.traore",
        "Inclure les algorithmes des prestataires",
        [
            (
                "ainsi que leur code source lorsqu’elle en dispose",
                "ainsi que leur code source, y compris lorsque le traitement est confié à un "
                "prestataire, qui est alors tenu de le lui fournir",
            )
        ],
        "Sinon, il suffit de sous-traiter pour échapper à la transparence.",
    ),
    (
        "Article 5",
        "dimitri.popescu",
        "Du logiciel libre par principe, le propriétaire par exception motivée",
        [
            (
                "la Ville encourage l’utilisation des logiciels libres et des formats ouverts",
                "la Ville utilise en priorité des logiciels libres et des formats ouverts ; le "
                "choix d’un logiciel propriétaire est motivé dans le dossier de consultation",
            )
        ],
        "« Encourager » n’engage à rien. Une obligation de motiver, si.",
    ),
    (
        "Article 6",
        "camille.martin",
        "Interdire aussi la vidéosurveillance algorithmique",
        [
            (
                "Aucun dispositif de reconnaissance biométrique n’est installé",
                "Aucun dispositif de reconnaissance biométrique ni de vidéosurveillance "
                "algorithmique n’est installé",
            )
        ],
        "L’analyse automatique des images est la porte d’entrée de la reconnaissance faciale.",
    ),
    (
        "Article 9",
        "sophie.bernard",
        "Publier les votes en une semaine",
        [
            ("dans un délai de quinze jours", "dans un délai de sept jours"),
            ("pendant au moins six ans", "pendant toute la durée du mandat suivant"),
        ],
        "Quinze jours après la séance, le débat est déjà oublié.",
    ),
    (
        "Article 11",
        "yasmine.benali",
        "Un comité paritaire, avec des jeunes",
        [
            (
                "composé de douze habitantes et habitants tirés au sort",
                "composé de douze habitantes et habitants tirés au sort, à parité, dont au "
                "moins trois âgés de 16 à 25 ans,",
            )
        ],
        "Les jeunes sont les premiers concernés et les moins représentés.",
    ),
    (
        "Article 13",
        "fatou.ndiaye",
        "Un accueil le samedi matin",
        [("ou par téléphone.", "ou par téléphone, y compris le samedi matin.")],
        "Les personnes qui travaillent ne peuvent pas venir en semaine.",
    ),
    (
        "Article 14",
        "leila.mansouri",
        "Une médiation numérique aussi le soir",
        [
            (
                "ouvert au moins deux demi-journées par semaine",
                "ouvert au moins deux demi-journées par semaine, dont une en soirée ou le samedi",
            )
        ],
        "Pour les parents qui travaillent en journée.",
    ),
    (
        "Article 16",
        "thuy.nguyen",
        "Dix ans pour les ordinateurs",
        [("allonge à sept ans", "allonge à dix ans")],
        "Un ordinateur de bureau bien entretenu tient dix ans pour la bureautique.",
    ),
    (
        "Article 17",
        "dimitri.popescu",
        "Un audit public du réseau Wi-Fi",
        [
            (
                None,
                "Un audit indépendant de la configuration du réseau est publié tous les deux ans.",
            )
        ],
        "La confiance n’exclut pas le contrôle.",
    ),
]

FOR, AGAINST = Argument.Kind.FOR, Argument.Kind.AGAINST

# target (article, proposal title, or (article, amendment title)) → [(kind, author, text)]
ARGUMENTS: dict = {
    "Article 1": [
        (FOR, "dimitri.popescu", "Les données produites avec l’argent public doivent revenir "
         "au public. L’ouverture par défaut évite de devoir tout demander une à une."),
        (FOR, "aicha.traore", "Pour mon mémoire, j’ai attendu quatre mois les comptages de "
         "vélos. Avec l’ouverture par défaut, ils seraient en ligne."),
        (AGAINST, "bruno.lopez", "Deux ans de travail pour des services qui manquent déjà de "
         "bras : il faudrait d’abord en chiffrer le coût."),
        (AGAINST, "laurence.andre", "Dans une ville de 80 000 habitants, qui vérifiera que les "
         "données publiées ne permettent pas de retrouver des personnes ?"),
        (FOR, "gaelle.kerbrat", "Les bibliothèques publient leurs catalogues depuis "
         "longtemps : c’est une question d’organisation plus que de moyens."),
    ],
    "Article 2": [
        (FOR, "karim.haddad", "Gratuit et sans inscription : c’est la condition pour que les "
         "petites entreprises d’ici s’en servent."),
        (AGAINST, "rachid.el-amrani", "Sans obligation de partage, de grandes plateformes "
         "peuvent s’approprier ces données sans rien rendre."),
        (FOR, "samuel.levy", "C’est la licence de l’État : les mêmes règles partout, c’est "
         "plus simple pour tout le monde."),
    ],
    "Article 3": [
        (FOR, "aicha.traore", "Les données du réseau de bus appartiennent à la Ville, pas au "
         "transporteur. On ne connaît même pas la fréquentation par ligne."),
        (FOR, "fatou.ndiaye", "Avec les vrais horaires de passage, on saurait enfin quelles "
         "lignes sont toujours en retard."),
        (AGAINST, "antoine.lambert", "Les délégataires répercuteront ce travail sur le prix "
         "de l’eau et des tickets."),
    ],
    "Article 4": [
        (FOR, "ines.garcia", "On nous a refusé une place en crèche sans jamais savoir comment "
         "les points étaient calculés. Publier les règles, c’est la moindre des choses."),
        (FOR, "yasmine.benali", "Pour les logements sociaux, beaucoup de familles pensent que "
         "tout se joue au piston. Expliquer les règles rétablirait la confiance."),
        (AGAINST, "nicolas.petit", "Publier le barème en détail, c’est aussi apprendre à "
         "certains à l’optimiser au détriment des autres."),
        (FOR, "dimitri.popescu", "Le code source sans documentation ne sert à rien : il faut "
         "les deux, et en français."),
    ],
    "Article 5": [
        (FOR, "dimitri.popescu", "Une licence payée à un éditeur l’est chaque année ; un "
         "logiciel libre amélioré profite à toutes les communes."),
        (AGAINST, "maxime.gauthier", "Les agents sont formés aux outils actuels : changer "
         "coûte cher en formation et en temps perdu."),
        (AGAINST, "julien.bonnet", "« Encourager » n’a aucune portée : l’article n’engage à "
         "rien."),
    ],
    "Article 6": [
        (FOR, "camille.martin", "Je veux savoir ce que mesurent les boîtiers installés sur "
         "les lampadaires de ma rue."),
        (FOR, "thomas.roux", "Interdire la reconnaissance faciale avant qu’elle n’arrive est "
         "plus facile que de la retirer ensuite."),
        (AGAINST, "hugo.girard", "Publier l’emplacement exact des caméras aide surtout ceux "
         "qui veulent les éviter."),
        (AGAINST, "mehdi.bouzid", "Un registre ne suffit pas : chaque nouveau capteur devrait "
         "faire l’objet d’une consultation."),
    ],
    "Article 7": [
        (FOR, "nathalie.blanc", "Publier les subventions, c’est aussi montrer que la Ville "
         "soutient la vie associative."),
        (FOR, "agnes.roussel", "Les tableaux en PDF sont illisibles. Des données ouvertes "
         "permettraient à la presse locale de faire son travail."),
        (AGAINST, "baptiste.chevalier", "Le niveau le plus fin de la nomenclature, personne "
         "ne le lira : mieux vaut une présentation claire par politique publique."),
    ],
    "Article 8": [
        (FOR, "samuel.levy", "Deux mois, c’est raisonnable, et c’est déjà ce que prévoit la "
         "réglementation nationale."),
    ],
    "Article 9": [
        (FOR, "pierre-yves.le-goff", "Je travaille le soir : la retransmission est le seul "
         "moyen pour moi de suivre le conseil municipal."),
        (AGAINST, "marie.guerin", "Publier le vote de chaque élu poussera à la posture "
         "plutôt qu’au compromis."),
        (FOR, "sophie.bernard", "Les habitants ont le droit de savoir ce que vote l’élu de "
         "leur quartier."),
    ],
    "Article 10": [
        (FOR, "ibrahim.keita", "Une API évite de télécharger des fichiers à la main chaque "
         "semaine."),
        (AGAINST, "zoe.faure", "Un portail de plus ? Le portail régional existe déjà : "
         "publions-y nos données."),
    ],
    "Article 11": [
        (FOR, "yasmine.benali", "Le tirage au sort fait venir des personnes qu’on ne voit "
         "jamais en réunion publique."),
        (AGAINST, "julien.bonnet", "Un comité de plus, sans pouvoir réel : ses avis ne "
         "lieront personne."),
        (FOR, "clara.perrin", "Ses avis étant publics, la Ville devra au moins expliquer "
         "pourquoi elle ne les suit pas."),
    ],
    "Article 12": [
        (FOR, "lea.dubois", "Sans évaluation, la délibération restera une déclaration "
         "d’intention."),
    ],
    "Article 13": [
        (FOR, "fatou.ndiaye", "Beaucoup de personnes que j’accompagne n’ont ni ordinateur ni "
         "adresse électronique. Sans guichet, elles renoncent à leurs droits."),
        (FOR, "jean-pierre.lefevre", "À l’association, la moitié des adhérents n’a jamais fait "
         "une démarche en ligne seule."),
        (AGAINST, "lucas.moreau", "Maintenir tous les guichets coûte cher, alors que la "
         "plupart des gens préfèrent faire leurs démarches en ligne."),
    ],
    "Article 14": [
        (FOR, "leila.mansouri", "Beaucoup de parents n’arrivent pas à utiliser l’espace "
         "numérique de l’école : une aide près de chez eux changerait tout."),
        (AGAINST, "kevin.da-silva", "Deux demi-journées en semaine, ce n’est pas accessible à "
         "celles et ceux qui travaillent."),
        (FOR, "oceane.henry", "Les conseillers numériques existent déjà : il s’agit surtout "
         "de mieux les répartir entre les quartiers."),
    ],
    "Article 15": [
        (FOR, "elodie.rousseau", "Malvoyante, je ne peux pas remplir seule le formulaire "
         "d’inscription à la cantine. L’accessibilité n’est pas un luxe."),
        (FOR, "theo.muller", "Un site accessible est plus simple pour tout le monde, pas "
         "seulement pour les personnes handicapées."),
    ],
    "Article 16": [
        (FOR, "thuy.nguyen", "La fabrication des appareils pèse plus que leur usage dans "
         "l’empreinte du numérique : les garder longtemps est le geste le plus utile."),
        (AGAINST, "maxime.gauthier", "Sept ans pour un ordinateur, ce sont des agents qui "
         "attendent devant des machines lentes."),
        (FOR, "olivier.schmitt", "Donner le matériel réformé aux écoles vaut mieux que payer "
         "pour le recycler."),
    ],
    "Article 17": [
        (FOR, "dimitri.popescu", "Sans compte à créer, le Wi-Fi est vraiment utilisable par "
         "les personnes de passage."),
        (AGAINST, "hugo.girard", "Sans identification, comment éviter les usages illégaux "
         "sur le réseau de la Ville ?"),
    ],
    "Un atelier de réparation d’ordinateurs à la médiathèque": [
        (FOR, "olivier.schmitt", "Le Repair Café des Rives marche très bien pour "
         "l’électroménager : pourquoi pas pour l’informatique ?"),
        (AGAINST, "antoine.lambert", "Il existe déjà des boutiques de réparation en ville : "
         "la Ville n’a pas à leur faire concurrence."),
    ],
    "Les horaires des bus en temps réel, en données ouvertes": [
        (FOR, "fatou.ndiaye", "Attendre vingt minutes sous la pluie sans savoir si le bus va "
         "passer, c’est mon quotidien."),
    ],
    "Une carte ouverte des arbres de la ville": [
        (FOR, "thuy.nguyen", "Elle aiderait aussi les personnes allergiques à savoir où sont "
         "les bouleaux."),
    ],
    "Des cours d’informatique pour les seniors dans les maisons de quartier": [
        (FOR, "agnes.roussel", "Ma mère de 82 ans a appris à faire des visios avec ses "
         "petits-enfants grâce à un atelier de ce genre."),
    ],
    "Un hackathon annuel sur les données de la Ville": [
        (AGAINST, "nadia.hamidi", "Un week-end d’événement, puis plus rien : mieux vaut "
         "soutenir des projets dans la durée."),
        (FOR, "ibrahim.keita", "Beaucoup d’applications utiles sont nées ainsi dans d’autres "
         "villes."),
    ],
    "Pouvoir payer la cantine et le périscolaire au guichet": [
        (FOR, "ines.garcia", "Toutes les familles n’ont pas de carte bancaire."),
        (AGAINST, "lucas.moreau", "Manipuler des espèces coûte cher et pose des problèmes de "
         "sécurité aux agents."),
    ],
    "Numériser et publier les archives municipales anciennes": [
        (FOR, "laurence.andre", "Les registres et les plans anciens passionnent les "
         "généalogistes, qui viennent parfois de loin pour les consulter."),
    ],
    "Signaler en ligne un problème de voirie, avec un suivi public": [
        (FOR, "mamadou.diallo", "Le grillage du city-stade est troué depuis un an : avec un "
         "suivi public, on saurait au moins où en est la demande."),
        (AGAINST, "zoe.faure", "Ce genre d’outil est vite saturé de signalements en double."),
    ],
    "Prêter des ordinateurs aux familles qui n’en ont pas": [
        (FOR, "sarah.cohen", "Pendant le confinement, des élèves ont décroché faute "
         "d’équipement."),
    ],
    "Une carte des commerces de proximité avec leurs horaires": [
        (FOR, "karim.haddad", "Je pourrais enfin indiquer mes fermetures pour congés ailleurs "
         "que sur la vitrine."),
    ],
    "Publier les demandes de permis de construire en cours": [
        (FOR, "youssef.cherkaoui", "On découvre les projets quand les grues arrivent : trop "
         "tard pour donner son avis."),
        (AGAINST, "bruno.lopez", "Les plans de la maison d’un particulier n’ont pas à être "
         "sur internet."),
    ],
    ("Article 1", "Ouvrir les données en un an, pas en deux"): [
        (FOR, "aicha.traore", "Ces données existent déjà sous forme de tableaux : les publier "
         "ne demande pas deux ans."),
        (AGAINST, "bruno.lopez", "Un an, c’est irréaliste pour les services qui n’ont pas "
         "encore numérisé leurs registres."),
    ],
    ("Article 6", "Interdire aussi la vidéosurveillance algorithmique"): [
        (FOR, "thomas.roux", "La vidéosurveillance algorithmique habitue à la surveillance "
         "automatique de tous."),
        (AGAINST, "hugo.girard", "Elle peut aider à repérer un colis abandonné ou un départ "
         "de feu."),
    ],
    ("Article 16", "Dix ans pour les ordinateurs"): [
        (AGAINST, "maxime.gauthier", "Dans dix ans, les systèmes ne seront plus mis à jour : "
         "c’est un risque de sécurité."),
    ],
}  # fmt: skip

# target → [(author, title, link, category, description)]
SOURCES: dict = {
    "Article 1": [
        ("dimitri.popescu", "Loi pour une République numérique : ce qui change pour les "
         "collectivités", "https://example.org/republique-numerique/collectivites", "law", ""),
        ("aicha.traore", "Comptages vélos de Belleroche, 2023 (données brutes)",
         "https://example.org/belleroche/donnees/comptages-velos-2023.csv", "data",
         "Obtenu après une demande d’accès aux documents administratifs."),
    ],
    "Article 2": [
        ("samuel.levy", "Licence Ouverte Etalab 2.0", "https://example.org/licence-ouverte-2-0",
         "law", ""),
    ],
    "Article 3": [
        ("aicha.traore", "Rapport annuel du délégataire des transports urbains",
         "https://example.org/belleroche/rapport-delegataire-transports.pdf", "study", ""),
    ],
    "Article 4": [
        ("ines.garcia", "Guide de la transparence des algorithmes publics",
         "https://example.org/guide-algorithmes-publics", "study", ""),
    ],
    "Article 6": [
        ("camille.martin", "Des capteurs de bruit sur les lampadaires du centre-ville",
         "https://example.org/presse/belleroche-capteurs-bruit", "press",
         "Article de L’Écho de Belleroche."),
    ],
    "Article 7": [
        ("agnes.roussel", "Budget primitif de Belleroche (PDF, 212 pages)",
         "https://example.org/belleroche/budget-primitif.pdf", "data", ""),
    ],
    "Article 13": [
        ("fatou.ndiaye", "Dématérialisation et inégalités d’accès aux services publics",
         "https://example.org/rapport-dematerialisation", "study", ""),
    ],
    "Article 15": [
        ("elodie.rousseau", "Référentiel général d’amélioration de l’accessibilité (RGAA 4.1)",
         "https://example.org/rgaa-4-1", "law", ""),
    ],
    "Article 16": [
        ("thuy.nguyen", "Évaluation de l’empreinte environnementale du numérique",
         "https://example.org/etude-empreinte-numerique", "study", ""),
    ],
    "Les horaires des bus en temps réel, en données ouvertes": [
        ("aicha.traore", "Le format GTFS-RT expliqué", "https://example.org/gtfs-rt", "other",
         ""),
    ],
    "Une carte ouverte des arbres de la ville": [
        ("olivier.schmitt", "Inventaire des arbres d’alignement (extrait)",
         "https://example.org/belleroche/donnees/arbres.geojson", "data", ""),
    ],
    "Publier les demandes de permis de construire en cours": [
        ("rachid.el-amrani", "Code de l’urbanisme : publicité des autorisations",
         "https://example.org/code-urbanisme-publicite", "law", ""),
    ],
}  # fmt: skip

# Vote mood per article: weights of (d'accord, mitigé, pas d'accord) and reach (the share of
# active participants who read that far). Unlisted articles: (60, 25, 15), reach 0.6.
MOODS = {
    "Article 1": ((72, 16, 12), 0.95),
    "Article 2": ((58, 22, 20), 0.85),
    "Article 3": ((66, 20, 14), 0.8),
    "Article 4": ((81, 12, 7), 0.9),
    "Article 5": ((45, 25, 30), 0.8),
    "Article 6": ((52, 18, 30), 0.85),
    "Article 7": ((70, 20, 10), 0.7),
    "Article 9": ((48, 20, 32), 0.75),
    "Article 11": ((40, 30, 30), 0.6),
    "Article 13": ((85, 10, 5), 0.9),
    "Article 14": ((74, 18, 8), 0.75),
    "Article 16": ((50, 25, 25), 0.65),
    "Article 17": ((62, 20, 18), 0.6),
}
PROPOSAL_REACH = [0.55, 0.7, 0.45, 0.6, 0.25, 0.5, 0.35, 0.75, 0.5, 0.3, 0.4]

# --- the closed consultation ------------------------------------------------------------------

ORIENTATIONS = """
## Orientation 1 : Ouvrir les données publiques par défaut

Publier, sauf exception motivée, les données produites par la Ville et ses délégataires.

## Orientation 2 : Garantir un accès humain à chaque service

Aucune démarche municipale ne doit être possible uniquement en ligne.

## Orientation 3 : Rendre les algorithmes publics compréhensibles

Expliquer les règles de calcul utilisées pour les décisions qui concernent les habitants.

## Orientation 4 : Réduire l’empreinte environnementale du numérique municipal

Acheter moins, garder plus longtemps, réemployer.

## Orientation 5 : Former les habitants et les agents

Développer une culture numérique commune à la Ville et à ses habitants.

## Orientation 6 : Associer les habitants aux choix numériques de la Ville

Consulter avant d’installer de nouveaux outils dans l’espace public.
"""

CLOSED_MOODS = [
    ((78, 14, 8), 0.95),
    ((88, 8, 4), 0.9),
    ((80, 12, 8), 0.85),
    ((64, 22, 14), 0.75),
    ((38, 34, 28), 0.6),
    ((70, 18, 12), 0.7),
]

CLOSED_ARGUMENTS = [
    (0, FOR, "gaelle.kerbrat", "Ce qui est payé par tous doit être accessible à tous."),
    (0, AGAINST, "bruno.lopez", "Encore une charge de travail pour des services débordés."),
    (1, FOR, "fatou.ndiaye", "Le tout-numérique exclut ceux qui ont le plus besoin des "
     "services publics."),
    (1, FOR, "jean-pierre.lefevre", "Un guichet, c’est aussi quelqu’un qui explique."),
    (2, FOR, "ines.garcia", "Comprendre pourquoi on n’a pas obtenu une place, c’est pouvoir "
     "contester."),
    (3, FOR, "thuy.nguyen", "Le matériel le plus écologique est celui qu’on n’achète pas."),
    (3, AGAINST, "maxime.gauthier", "Du matériel trop vieux fait perdre du temps à tout le "
     "monde."),
    (4, AGAINST, "julien.bonnet", "Trop vague : former qui, à quoi, avec quels moyens ?"),
    (4, FOR, "leila.mansouri", "Les agents d’accueil doivent pouvoir aider les habitants "
     "sur les démarches en ligne."),
    (5, FOR, "mehdi.bouzid", "Les capteurs et les caméras ne devraient jamais arriver sans "
     "débat."),
]  # fmt: skip


# --- loading -------------------------------------------------------------------------------


# Comments on citizen proposals (proposal title, author, text, replies as (author, text)):
# written through participation's comment_create, like a participant would.
COMMENTS = [
    (
        "Un atelier de réparation d’ordinateurs à la médiathèque",
        "jean-pierre.lefevre",
        "Très bonne idée. J’ai un vieil ordinateur qui dort dans un placard, je serais\n"
        "content de le voir resservir.",
        [
            (
                "camille.martin",
                "Merci ! L’association Repair Café de Belleroche est partante pour aider.",
            ),
            ("thuy.nguyen", "Et pourquoi pas aussi les tablettes des écoles ?"),
        ],
    ),
    (
        "Les horaires des bus en temps réel, en données ouvertes",
        "dimitri.popescu",
        "Le format GTFS-RT existe pour ça : la plupart des applications savent déjà le lire.",
        [("aicha.traore", "Oui, c’est exactement ce que je proposais de publier.")],
    ),
    (
        "Une carte ouverte des arbres de la ville",
        "gaelle.kerbrat",
        "Il faudrait pouvoir y signaler aussi les arbres abattus, pour suivre les remplacements.",
        [],
    ),
    (
        "Des cours d’informatique pour les seniors dans les maisons de quartier",
        "fatou.ndiaye",
        "Ma mère y participerait volontiers, surtout pour les démarches de la CAF.",
        [("ines.garcia", "Les conseillers numériques de la médiathèque pourraient animer.")],
    ),
]


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
        consultation = self.consultation(
            step,
            "<p>La consultation sur les orientations est terminée : 312 personnes y ont pris "
            "part en ligne et lors de trois réunions publiques. Les résultats ci-dessous ont "
            "guidé la rédaction du projet de délibération.</p>",
        )
        section = self.section(
            consultation,
            1,
            {
                "slug": "orientations",
                "title": "Les six orientations",
                "body": "<p>Six orientations proposées par la municipalité.</p>",
                "authors": Section.Authors.ORGANISERS,
                "vote_widget": VoteWidget.AGREE,
                "default_sort": Sort.OLDEST,
                "allow_versions": False,
                "allow_sources": False,
                "colour": "#546e7a",
            },
        )
        self.imported(section, ORIENTATIONS)
        opinions = list(section.opinions.order_by("position", "id"))
        # A closed step refuses contributions (permissions.contribute): the arguments of this
        # past consultation are written as an import would, in bulk.
        existing = set(
            Argument.objects.filter(opinion__in=opinions).values_list("opinion_id", "author_id")
        )
        rows = []
        for i, (index, kind, username, body) in enumerate(CLOSED_ARGUMENTS):
            author, opinion = self.user(username), opinions[index]
            if (opinion.pk, author.pk) in existing:
                continue
            when = self.when(step, i, len(CLOSED_ARGUMENTS))
            rows.append(
                Argument(
                    opinion=opinion,
                    author=author,
                    kind=kind,
                    body=body,
                    published=True,
                    published_at=when,
                    created_at=when,
                )
            )
        Argument.objects.bulk_create(rows)
        stances = {
            (opinions[index].pk, self.user(username).pk): kind
            for index, kind, username, _body in CLOSED_ARGUMENTS
        }
        votes = []
        for opinion, (weights, reach) in zip(opinions, CLOSED_MOODS, strict=False):
            votes += self.valued_votes(OpinionVote, "opinion", opinion, weights, reach, stances)
        OpinionVote.objects.bulk_create(votes, ignore_conflicts=True)
        args = list(Argument.objects.filter(opinion__in=opinions).order_by("id"))
        ArgumentVote.objects.bulk_create(
            self.toggles(ArgumentVote, "argument", args, 0.4), ignore_conflicts=True
        )

    # -- the open consultation -----------------------------------------------------------------

    def open_consultation(self, step) -> None:
        consultation = self.consultation(step, INTRO)
        articles: dict[str, Opinion] = {}
        sections = {}
        for position, spec in enumerate(SECTIONS, start=1):
            section = self.section(consultation, position, spec)
            sections[spec["slug"]] = section
            if spec["text"]:
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

        for i, (title, username, body, replies) in enumerate(COMMENTS):
            target = proposals.get(title)
            if target is None:
                continue
            top = once(target, username, body)
            self.backdate(top, self.when(step, i, len(COMMENTS)))
            for j, (reply_author, reply_body) in enumerate(replies, start=1):
                reply = once(target, reply_author, reply_body, parent=top)
                self.backdate(reply, self.when(step, i, len(COMMENTS)) + timedelta(minutes=17 * j))

    def proposals(self, step, section: Section) -> dict[str, Opinion]:
        existing = {o.title: o for o in section.opinions.all()}
        for i, (username, title, body) in enumerate(PROPOSALS):
            if title in existing:
                continue
            opinion = services.opinion_create(
                author=self.user(username), section=section, title=title, body=f"<p>{body}</p>"
            )
            self.backdate(opinion, self.when(step, i, len(PROPOSALS)))
            existing[title] = opinion
        for opinion in existing.values():
            opinion.section = section
        return {title: existing[title] for _u, title, _b in PROPOSALS if title in existing}

    def versions(self, step, articles: dict[str, Opinion]) -> dict[tuple, Version]:
        found = {}
        for i, (article, username, title, edits, explanation) in enumerate(VERSIONS):
            opinion = articles[article]
            version = Version.objects.filter(opinion=opinion, title=title).first()
            if version is None:
                version = services.version_create(
                    author=self.user(username),
                    opinion=opinion,
                    title=title,
                    body=_amended(opinion.body, edits),
                    explanation=explanation,
                )
                self.backdate(version, self.when(step, i, len(VERSIONS)))
            version.opinion = opinion
            found[(article, title)] = version
        return found

    def arguments_and_sources(self, step, targets: dict) -> None:
        total = sum(len(v) for v in ARGUMENTS.values()) + sum(len(v) for v in SOURCES.values())
        i = 0
        for key, rows in ARGUMENTS.items():
            parent = targets[key]
            field = "opinion" if isinstance(parent, Opinion) else "version"
            have = set(Argument.objects.filter(**{field: parent}).values_list("author_id", "body"))
            for kind, username, body in rows:
                i += 1
                author = self.user(username)
                if (author.pk, body) in have:
                    continue
                argument = services.argument_create(
                    author=author, parent=parent, kind=kind, body=body
                )
                self.backdate(argument, self.when(step, i, total))
        for key, rows in SOURCES.items():
            parent = targets[key]
            field = "opinion" if isinstance(parent, Opinion) else "version"
            have = set(Source.objects.filter(**{field: parent}).values_list("link", flat=True))
            for username, title, link, category, body in rows:
                i += 1
                if link in have:
                    continue
                source = services.source_create(
                    author=self.user(username),
                    parent=parent,
                    title=title,
                    link=link,
                    category=category,
                    body=body,
                )
                self.backdate(source, self.when(step, i, total))

    def open_votes(self, step, articles, proposals, versions) -> None:
        stances = {}
        targets = articles | proposals | versions
        for key, rows in ARGUMENTS.items():
            target = targets[key]
            for kind, username, _body in rows:
                stances[(target.pk, self.user(username).pk)] = kind
        opinion_votes = []
        for key, opinion in articles.items():
            weights, reach = MOODS.get(key, ((60, 25, 15), 0.6))
            opinion_votes += self.valued_votes(
                OpinionVote, "opinion", opinion, weights, reach, stances
            )
        for (_title, opinion), reach in zip(proposals.items(), PROPOSAL_REACH, strict=False):
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
            weights, reach = MOODS.get(article, ((60, 25, 15), 0.6))
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


def _amended(body: str, edits) -> str:
    for old, new in edits:
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
