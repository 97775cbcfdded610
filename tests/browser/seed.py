"""Realistic content for the browser tests, created with the ORM in the test's database."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.utils import timezone

from palabre.core.models import District, Organisation, Page, Project, Step, Theme, User

PASSWORD = "Un-mot-de-passe-solide-42"


@dataclass
class Content:
    organisation: Organisation
    themes: list[Theme]
    districts: list[District]
    project: Project
    steps: list[Step]
    legal: Page
    charter: Page
    other_projects: list[Project] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)


def _clear_caches() -> None:
    # The organisation and footer pages are cached: make the seeded ones visible at once.
    for cache in caches.all():
        cache.clear()


def base_content() -> tuple[Organisation, Page]:
    """What every page needs: the organisation row and the charter the sign-up form links to."""
    organisation = Organisation.load()
    organisation.name = "Ville de Palabre"
    organisation.tagline = "Décidons ensemble de l'avenir de notre ville."
    organisation.contact_email = "participation@example.org"
    organisation.save()
    charter, _created = Page.objects.get_or_create(
        kind=Page.Kind.CHARTER,
        defaults={
            "title": "Charte de participation",
            "slug": "charte",
            "body": "<p>Respectez les autres participant·es.</p><ul><li>Pas d'insulte.</li>"
            "<li>Pas de publicité.</li></ul>",
            "position": 2,
        },
    )
    _clear_caches()
    return organisation, charter


def cover_png(size=(1280, 640)) -> bytes:
    """A simple landscape drawn with Pillow: sky gradient, sun, two hills."""
    from PIL import Image, ImageDraw

    width, height = size
    image = Image.new("RGB", size, "#9cc3e6")
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / height
        colour = tuple(
            round(a + (b - a) * t) for a, b in zip((56, 110, 180), (200, 225, 240), strict=True)
        )
        draw.line([(0, y), (width, y)], fill=colour)
    draw.ellipse([width * 0.7, height * 0.12, width * 0.82, height * 0.36], fill="#f6c453")
    draw.ellipse([-width * 0.2, height * 0.55, width * 0.7, height * 1.6], fill="#3f8f5a")
    draw.ellipse([width * 0.35, height * 0.65, width * 1.3, height * 1.7], fill="#2f6f46")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def use_file_storage(settings_fixture) -> None:
    """Store uploads on disk under MEDIA_ROOT, which the live server serves at MEDIA_URL.

    The test settings keep files in memory, which the live server cannot serve over HTTP.
    """
    settings_fixture.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }


def rich_content(*, with_cover: bool = False) -> Content:
    """Themes, districts, a public project with three dated presentation steps, legal pages."""
    organisation, charter = base_content()
    now = timezone.now()
    legal = Page.objects.create(
        kind=Page.Kind.LEGAL,
        title="Mentions légales",
        slug="mentions-legales",
        body="<h2>Éditeur</h2><p>Ville de Palabre, 1 place de la Mairie.</p>"
        "<h2>Hébergement</h2><p>Un hébergeur en France.</p>",
        position=1,
    )
    themes = [
        Theme.objects.create(name="Mobilités", slug="mobilites", colour="#1f4e8c", position=1),
        Theme.objects.create(
            name="Environnement",
            slug="environnement",
            colour="#166534",
            position=2,
            description="<p>Nature en ville, propreté, énergie.</p>",
        ),
        Theme.objects.create(name="Culture", slug="culture", colour="#9a3412", position=3),
    ]
    districts = [
        District.objects.create(
            name="Centre-ville", slug="centre-ville", position=1, description="<p>Le cœur.</p>"
        ),
        District.objects.create(name="Les Coteaux", slug="les-coteaux", position=2),
    ]
    project = Project.objects.create(
        title="Réinventons la place du Marché",
        slug="place-du-marche",
        summary="Arbres, bancs, terrasses, marché : donnez votre avis sur la future place.",
        body="<p>La place du Marché va être réaménagée en 2027. Avant de dessiner le projet, "
        "la ville vous consulte.</p><h3>Pourquoi ?</h3><p>Pour une place plus "
        "<strong>ombragée</strong> et plus accueillante.</p>",
        cover_alt="Illustration : une colline verte sous un ciel bleu",
        visibility=Project.Visibility.PUBLIC,
        published_at=now - timedelta(days=30),
        position=0,
    )
    files: list[Path] = []
    if with_cover:
        name = f"cover-{uuid.uuid4().hex[:12]}.png"
        project.cover.save(name, ContentFile(cover_png()), save=True)
        if hasattr(project.cover.storage, "path"):
            files.append(Path(project.cover.path))
    project.themes.set(themes[:2])
    project.districts.set(districts[:1])
    steps = [
        Step.objects.create(
            project=project,
            position=1,
            title="Diagnostic partagé",
            slug="diagnostic",
            kind="presentation",
            starts_at=now - timedelta(days=30),
            ends_at=now - timedelta(days=10),
            body="<p>Ce que nous avons appris lors des balades urbaines.</p>",
        ),
        Step.objects.create(
            project=project,
            position=2,
            title="Vos idées pour la place",
            slug="idees",
            kind="presentation",
            starts_at=now - timedelta(days=9),
            ends_at=now + timedelta(days=20),
            body="<p>Proposez vos idées en réunion publique ou en mairie.</p>",
        ),
        Step.objects.create(
            project=project,
            position=3,
            title="Restitution",
            slug="restitution",
            kind="presentation",
            starts_at=now + timedelta(days=30),
            ends_at=now + timedelta(days=31),
            body="<p>La ville présentera le projet retenu.</p>",
        ),
    ]
    upcoming = Project.objects.create(
        title="Budget participatif 2027",
        slug="budget-participatif-2027",
        summary="Un million d'euros pour vos projets de quartier.",
        visibility=Project.Visibility.PUBLIC,
        published_at=now - timedelta(days=2),
        position=1,
    )
    upcoming.themes.set(themes[2:])
    upcoming.districts.set(districts[1:])
    Step.objects.create(
        project=upcoming,
        position=1,
        title="Dépôt des projets",
        slug="depot",
        kind="presentation",
        starts_at=now + timedelta(days=15),
        ends_at=now + timedelta(days=60),
    )
    closed = Project.objects.create(
        title="Plan vélo des Coteaux",
        slug="plan-velo",
        summary="Les résultats de la concertation sur les pistes cyclables.",
        visibility=Project.Visibility.PUBLIC,
        published_at=now - timedelta(days=200),
        position=2,
    )
    closed.themes.set(themes[:1])
    closed.districts.set(districts[1:])
    Step.objects.create(
        project=closed,
        position=1,
        title="Concertation",
        slug="concertation",
        kind="presentation",
        starts_at=now - timedelta(days=190),
        ends_at=now - timedelta(days=100),
    )
    _clear_caches()
    return Content(
        organisation=organisation,
        themes=themes,
        districts=districts,
        project=project,
        steps=steps,
        legal=legal,
        charter=charter,
        other_projects=[upcoming, closed],
        files=files,
    )


def participant(
    username: str = "camille", email: str = "camille@example.org", *, verified: bool = True
) -> User:
    """A participant with a (verified) primary email address and the test password."""
    from allauth.account.models import EmailAddress

    user = User.objects.create_user(username=username, email=email, password=PASSWORD)
    user.charter_accepted_at = timezone.now()
    user.bio = "J'habite le centre-ville depuis dix ans."
    user.save()
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    return user
