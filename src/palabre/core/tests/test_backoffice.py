import pytest
from django.urls import reverse

from palabre.core.models import ActionLog, Organisation, Project, Step

from .factories import ThemeFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator():
    return UserFactory(role="administrator", is_staff=True)


@pytest.fixture
def moderator():
    return UserFactory(role="moderator", is_staff=True)


def _project_post(**overrides):
    data = {
        "title": "Budget participatif 2027",
        "slug": "budget-2027",
        "summary": "Proposez, votez.",
        "body": "<p>Texte</p>",
        "cover_alt": "",
        "position": "0",
        "visibility": "public",
        "published_at_0": "2026-01-01",
        "published_at_1": "10:00:00",
        "steps-TOTAL_FORMS": "1",
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "1000",
        "steps-0-position": "0",
        "steps-0-title": "Présentation",
        "steps-0-slug": "presentation",
        "steps-0-kind": "presentation",
        "steps-0-starts_at_0": "2026-01-01",
        "steps-0-starts_at_1": "00:00:00",
        "steps-0-ends_at_0": "2027-01-01",
        "steps-0-ends_at_1": "00:00:00",
        "steps-0-body": "",
    }
    data.update(overrides)
    return data


def test_administrator_creates_project_with_steps_and_it_is_logged(client, administrator):
    client.force_login(administrator)
    response = client.post(reverse("admin:core_project_add"), _project_post())
    assert response.status_code == 302, response.content.decode()[:3000]
    project = Project.objects.get(slug="budget-2027")
    assert list(project.steps.values_list("kind", flat=True)) == ["presentation"]
    actions = set(ActionLog.objects.values_list("action", "object_repr"))
    assert ("create", "Budget participatif 2027") in actions
    assert ("create", "Budget participatif 2027 — Présentation") in actions
    assert ActionLog.objects.filter(actor=administrator).count() == 2


def test_step_kind_must_be_registered(client, administrator):
    client.force_login(administrator)
    response = client.post(
        reverse("admin:core_project_add"), _project_post(**{"steps-0-kind": "nope"})
    )
    assert response.status_code == 200
    assert not Project.objects.exists()


def test_step_end_before_start_is_refused(client, administrator):
    client.force_login(administrator)
    data = _project_post(**{"steps-0-ends_at_0": "2025-01-01"})
    response = client.post(reverse("admin:core_project_add"), data)
    assert response.status_code == 200
    assert not Step.objects.exists()


def test_update_and_delete_are_logged(client, administrator):
    client.force_login(administrator)
    theme = ThemeFactory(name="Culture")
    url = reverse("admin:core_theme_change", args=[theme.pk])
    response = client.post(
        url,
        {
            "name": "Culture et patrimoine",
            "slug": theme.slug,
            "description": "",
            "colour": theme.colour,
            "position": 0,
        },
    )
    assert response.status_code == 302
    log = ActionLog.objects.get(action="update")
    assert log.changes == {"name": "Culture et patrimoine"}
    client.post(reverse("admin:core_theme_delete", args=[theme.pk]), {"post": "yes"})
    assert ActionLog.objects.filter(action="delete", object_repr="Culture et patrimoine").exists()


def test_organisation_is_a_single_editable_row(client, administrator):
    client.force_login(administrator)
    response = client.get(reverse("admin:core_organisation_changelist"))
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "admin:core_organisation_change", args=[Organisation.load().pk]
    )


def test_moderator_enters_back_office_but_not_content_admin(client, moderator):
    client.force_login(moderator)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:core_project_changelist")).status_code == 403
    assert client.get(reverse("admin:core_user_changelist")).status_code == 403


def test_participants_are_kept_out(client):
    client.force_login(UserFactory())
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_role_change_sets_staff_and_logs(client, administrator):
    participant = UserFactory()
    client.force_login(administrator)
    url = reverse("admin:core_user_change", args=[participant.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {
        k: v
        for k, v in form.initial.items()
        if v is not None
        and k
        not in {"avatar", "groups", "password", "date_joined", "last_login", "charter_accepted_at"}
    }
    data.update({"role": "moderator", "is_active": "on"})
    response = client.post(url, data)
    assert response.status_code == 302, page.context["adminform"].form.errors
    participant.refresh_from_db()
    assert participant.is_staff and participant.role == "moderator"
    assert ActionLog.objects.filter(action="set_role", object_id=str(participant.pk)).exists()
