"""``manage.py load_demo``: the demo of a fictional city, Belleroche (about 80,000 inhabitants).

The content is data: the organisation, its pages, themes and districts
(``core/demo/organisation.toml``), the accounts (``core/demo/accounts.toml``) and the projects
(``core/demo/projects.toml``), read through ``palabre.core.demo.load_data``; this module turns
them into rows.

Idempotent: every row is keyed on a slug, an email or a kind, so running the command again
updates the demo in place instead of duplicating it. Content an organiser edits goes through
``core.services.content_save`` (an action-log row per object created or changed; nothing is
logged for an object that is already as the demo wants it). Step dates are relative to the day
the command runs, so the open / upcoming / closed states are right whenever the demo is loaded.

Step kinds add their own demo (house rule 1: ``core`` imports no component): after the core
demo, every installed component with a ``demo`` hook is called with the loader, adds its
projects and steps through ``DemoLoader.project()`` and fills them (``core/components.py``),
from the data files beside the kind.

The benchmarks' generic projects are not the product's business: ``bench/foundation_seed.py``
adds them after this command.
"""

from __future__ import annotations

import math
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
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
from palabre.core.demo import ProjectSpec, load_data
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
        # The core demo's content (``core/demo/*.toml``).
        self.site = load_data("core", "organisation")
        self.people = load_data("core", "accounts")
        # Belleroche's (latitude, longitude): the districts ring it, kinds pin things around it.
        self.centre: tuple[float, float] = tuple(self.site["centre"])

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
        people = self.people
        specs = [
            {**people["admin"], "role": User.Role.ADMINISTRATOR, "is_superuser": True, "days": 400},
            {
                **people["moderator"],
                "role": User.Role.MODERATOR,
                "is_superuser": False,
                "days": 390,
            },
        ]
        bios, zip_codes = people["bios"], people["zip_codes"]
        for i, full_name in enumerate(people["participants"]):
            first, _sep, last = full_name.partition(" ")
            username = participant_username(full_name)
            specs.append(
                {
                    "email": f"{username}@example.org",
                    "username": username,
                    "first_name": first,
                    "last_name": last,
                    "bio": bios.get(username, ""),
                    "zip_code": zip_codes[i % len(zip_codes)],
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
        self.admin = users[people["admin"]["email"]]
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
        values = dict(self.site["organisation"])

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
        for spec in self.site["pages"]:
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
            for i, (slug, name, colour, description) in enumerate(
                (t["slug"], t["name"], t["colour"], t["description"]) for t in self.site["themes"]
            )
        }

    def districts(self) -> dict[str, District]:
        specs = self.site["districts"]
        shapes = district_polygons(self.centre, len(specs))
        return {
            slug: self.upsert(
                District,
                {"slug": slug},
                {"name": name, "description": description, "geojson": shape, "position": i},
            )
            for i, ((slug, name, description), shape) in enumerate(
                zip(((d["slug"], d["name"], d["description"]) for d in specs), shapes, strict=True)
            )
        }

    def council(self, users: dict[str, User]) -> Group:
        council = self.people["council"]
        group, _created = Group.objects.get_or_create(name=council["name"])
        group.user_set.add(*(users[name] for name in council["members"]))
        return group

    # -- projects ----------------------------------------------------------------------------------

    def projects(self, themes, districts, groups) -> list[Project]:
        specs = load_data("core", "projects")["projects"]
        return [
            self.project(ProjectSpec.from_data(spec), themes, districts, groups) for spec in specs
        ]

    def project(self, spec: ProjectSpec, themes=None, districts=None, groups=None) -> Project:
        """Create or update one project and its steps (also for the step kinds' demo hooks)."""
        themes = self.theme_map if themes is None else themes
        districts = self.district_map if districts is None else districts
        groups = self.group_map if groups is None else groups
        # Main theme colour, then the warm brand colour (sun, path), then the other themes.
        theme_colours = [themes[slug].colour for slug in spec.themes]
        colours = [
            *theme_colours[:1],
            self.site["organisation"]["secondary_colour"],
            *theme_colours[1:],
        ]

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

    def run(self) -> dict:
        users = self.accounts()
        organisation = self.organisation()
        pages = self.pages()
        themes = self.themes()
        districts = self.districts()
        group = self.council(users)
        council = self.people["council"]["name"]
        projects = self.projects(themes, districts, {council: group})
        self.user_map, self.theme_map, self.district_map = users, themes, districts
        self.group_map = {council: group}
        projects += self.kind_demos()
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

    def handle(self, *args, password: str, **options):
        if not password:
            raise CommandError("--password ne peut pas être vide.")
        logs_before = ActionLog.objects.count()
        loader = DemoLoader(password=password, now=timezone.now())
        with transaction.atomic():
            data = loader.run()
        logs = ActionLog.objects.count() - logs_before
        if options["verbosity"] >= 1:
            self.report(loader, data, password=password, logs=logs)

    def report(self, loader: DemoLoader, data: dict, *, password: str, logs: int):
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
        people = loader.people
        participant = users[participant_username(people["participants"][0])]
        member = users[people["council"]["members"][0]]
        out(style.SUCCESS(f"Démonstration « {data['organisation'].name} » chargée."))
        out(
            f"  {len(data['pages'])} pages, {len(data['themes'])} thèmes, "
            f"{len(data['districts'])} quartiers, {len(projects)} projets "
            f"({', '.join(f'{n} {label}' for label, n in by_status.items())}), "
            f"{Step.objects.filter(project__in=projects).count()} étapes."
        )
        out(
            f"  {len(users)} comptes (1 administratrice, 1 modérateur, "
            f"{len(people['participants'])} participant·es) ; groupe « {data['group'].name} » : "
            f"{data['group'].user_set.count()} membres."
        )
        for line in loader.kind_reports:
            out(f"  {line}")
        out(
            f"  Ce passage : {tally.created} objets créés, {tally.updated} mis à jour, "
            f"{tally.unchanged} inchangés, {tally.images} images dessinées, "
            f"{logs} entrées ajoutées au journal des actions."
        )
        out("")
        out(style.MIGRATE_HEADING(f"Comptes (mot de passe commun : {password})"))
        out(f"  Administratrice      {people['admin']['email']}")
        out(f"  Modérateur           {people['moderator']['email']}")
        out(f"  Participante         {participant.email}")
        out(f"  Conseil citoyen      {member.email}  (voit le projet restreint)")
        out("")
        out(f"  Site          {SITE_URL}")
        out(f"  Back-office   {SITE_URL}admin/")
