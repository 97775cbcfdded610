"""Every step an organiser chooses or filters by in the back office names its project (several
projects have a « Vote » step), and the lists that name them stay at a fixed number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from palabre.components.collect.models import ProposalStatus
from palabre.components.consultation.tests.conftest import OpinionFactory, SectionFactory
from palabre.components.selection.models import Ballot
from palabre.components.selection.tests.conftest import make_selection
from palabre.core.models import ActionLog
from palabre.core.tests.factories import ProjectFactory, StepFactory, UserFactory, verified_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser():
    return verified_user(username="orga", role="administrator", is_staff=True)


def _project(year: int):
    """A project with a collect step, a vote on it with a ballot, and a consultation."""
    project = ProjectFactory(title=f"Budget participatif {year}", slug=f"budget-{year}")
    selection = make_selection(collect=None, n=2)
    collect = selection.collect
    for step in (collect.step, selection.step):
        step.project = project
        step.save()
    ProposalStatus.objects.create(collect=collect, name="Recevable")
    Ballot.objects.create(selection=selection, user=UserFactory())
    section = SectionFactory(
        consultation__step=StepFactory(project=project, kind="consultation", title="Le texte")
    )
    OpinionFactory(section=section)
    return project


LISTS = [
    "admin:collect_proposal_changelist",
    "admin:selection_ballot_changelist",
    "admin:consultation_opinion_changelist",
    "admin:collect_collect_changelist",
    "admin:selection_selection_changelist",
    "admin:consultation_consultation_changelist",
    "admin:selection_selection_add",
    "admin:collect_collect_add",
    "admin:consultation_consultation_add",
]


def test_lists_filters_and_choices_name_each_step_with_its_project(client, organiser):
    for year in (2026, 2027):
        _project(year)
    client.force_login(organiser)
    for name in LISTS:
        html = client.get(reverse(name)).content.decode()
        for year in (2026, 2027):
            project = f"Budget participatif {year}"
            if "consultation" in name:
                assert f"{project} — Le texte" in html, (name, year)
            else:
                assert f"{project} — Vote" in html or f"{project} — Dépôt des projets" in html, (
                    name,
                    year,
                )
    html = client.get(reverse("admin:collect_proposal_changelist")).content.decode()
    # The status filter and the bulk « status » action: which project's « Recevable »?
    assert html.count("Budget participatif 2026 — Dépôt des projets — Recevable") == 2
    assert html.count("Budget participatif 2027 — Dépôt des projets — Recevable") == 2


def test_lists_naming_steps_run_a_fixed_number_of_queries(client, organiser):
    _project(2026)
    client.force_login(organiser)

    def counts():
        found = {}
        for name in LISTS:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(reverse(name)).status_code == 200
            found[name] = len(queries)
        return found

    before = counts()
    for year in (2027, 2028, 2029):
        _project(year)
    assert counts() == before


def test_action_log_names_the_steps_project(client, organiser):
    project = ProjectFactory(title="Budget participatif 2026")
    step = StepFactory(project=project, title="Vote", kind="selection")
    client.force_login(organiser)
    response = client.post(
        reverse("admin:core_step_delete", args=[step.pk]), {"post": "yes"}, follow=True
    )
    assert response.status_code == 200
    assert ActionLog.objects.filter(
        action="delete", object_repr="Budget participatif 2026 — Vote"
    ).exists()
