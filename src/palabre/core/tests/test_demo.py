"""``manage.py load_demo``: idempotent, and its projects land in every state."""

from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import AnonymousUser, Group
from django.core.management import call_command
from django.utils import timezone

from palabre.core import components, selectors
from palabre.core.management.commands.load_demo import district_polygons
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

PASSWORD = "test-demo-password"


def load(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", "--password", PASSWORD, *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (User, Project, Step, Page, Theme, District, EmailAddress, Group)
    }


@pytest.mark.django_db
def test_load_demo_is_idempotent_and_covers_every_state():
    output = load()
    first = counts()
    logs = ActionLog.objects.count()
    assert first["User"] == 52
    assert first["Theme"] == 8
    assert first["District"] == 6
    assert first["Page"] == 4
    assert first["Project"] >= 6
    assert first["EmailAddress"] == 52
    assert logs > 0

    day = timezone.localdate()
    load()
    assert counts() == first
    if timezone.localdate() == day:  # dates are relative to the day: a rerun changes nothing
        assert ActionLog.objects.count() == logs

    anonymous = AnonymousUser()
    for status in ("open", "upcoming", "closed"):
        assert selectors.project_list(anonymous, status=status).exists(), status

    visible = set(selectors.projects_visible_to(anonymous).values_list("visibility", flat=True))
    assert visible == {Project.Visibility.PUBLIC}
    assert Project.objects.filter(visibility=Project.Visibility.DRAFT).exists()
    restricted = Project.objects.get(visibility=Project.Visibility.RESTRICTED)

    member = User.objects.get(groups__name="Conseil citoyen", username="yasmine.benali")
    assert selectors.projects_visible_to(member).filter(pk=restricted.pk).exists()
    outsider = User.objects.get(username="camille.martin")
    assert not selectors.projects_visible_to(outsider).filter(pk=restricted.pk).exists()

    admin = User.objects.get(email="admin@example.org")
    assert admin.check_password(PASSWORD)
    assert admin.is_superuser and admin.is_staff and admin.role == User.Role.ADMINISTRATOR
    moderator = User.objects.get(email="moderateur@example.org")
    assert moderator.is_staff and moderator.role == User.Role.MODERATOR
    assert moderator.check_password(PASSWORD)
    assert not EmailAddress.objects.filter(verified=False).exists()
    assert EmailAddress.objects.filter(user=outsider, primary=True, verified=True).exists()
    assert not User.objects.filter(charter_accepted_at__isnull=True).exists()

    organisation = Organisation.load()
    assert organisation.name == "Ville de Belleroche"
    assert organisation.logo.name.endswith(".png")
    for project in Project.objects.exclude(visibility=Project.Visibility.DRAFT):
        assert project.cover, project.slug
        assert len(project.summary) <= 400
    assert set(Page.objects.values_list("kind", flat=True)) == {
        "legal",
        "privacy",
        "charter",
        "other",
    }
    # Core's projects use the default kind; step kinds add theirs through their demo hook.
    kinds = set(Step.objects.values_list("kind", flat=True))
    assert "presentation" in kinds
    assert kinds <= {spec.kind for spec in components.step_kinds()}
    assert "admin@example.org" in output and PASSWORD in output


@pytest.mark.django_db
def test_load_demo_resets_a_changed_password():
    load()
    user = User.objects.get(username="camille.martin")
    user.set_password("something-else")
    user.save()
    load()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_district_polygons_are_closed_counter_clockwise_rings():
    for shape in district_polygons((46.2, 2.9), 6):
        ring = shape["coordinates"][0]
        assert shape["type"] == "Polygon"
        assert ring[0] == ring[-1] and len(ring) >= 4
        area = sum(
            x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring[:-1], ring[1:], strict=True)
        )
        assert area > 0  # counter-clockwise (RFC 7946 right-hand rule)
