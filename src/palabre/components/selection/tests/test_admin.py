"""The back office: rule changes refused once votes exist, proposals added by status."""

import pytest
from django.urls import reverse

from palabre.components.collect.models import ProposalStatus
from palabre.components.selection import services
from palabre.components.selection.models import Selection

from .conftest import make_selection, proposals

pytestmark = pytest.mark.django_db


def form_data(selection, **changes):
    data = {
        "step": selection.step_id,
        "collect": selection.collect_id,
        "proposals_from": selection.proposals_from,
        "intro": selection.intro,
        "vote_type": selection.vote_type,
        "votes_max": selection.votes_max or "",
        "votes_min": selection.votes_min,
        "budget": selection.budget or "",
        "threshold": selection.threshold or "",
        "results_visibility": selection.results_visibility,
        "results_at": "",
        "require_confirmed_email": "on",
        "zip_codes": "",
        "min_age": "",
        "rules": "",
        "entries-TOTAL_FORMS": "0",
        "entries-INITIAL_FORMS": "0",
        "entries-MIN_NUM_FORMS": "0",
        "entries-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def test_admin_refuses_a_rule_change_once_a_vote_exists(client, organiser, participant):
    selection = make_selection(vote_type="simple", votes_max=3, proposals_from="chosen")
    status = ProposalStatus.objects.create(collect=selection.collect, name="Recevable")
    first, second, *_ = proposals(selection)
    first.status = status
    first.save()
    client.force_login(organiser)
    change = reverse("admin:selection_selection_change", args=[selection.pk])
    response = client.post(change, form_data(selection, add_status=status.pk))
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert list(selection.entries.values_list("proposal_id", flat=True)) == [first.pk]
    services.vote_cast(user=participant, selection=selection, proposal_id=first.pk)
    response = client.post(change, form_data(selection, votes_max=1))
    assert response.status_code == 200
    assert "Des votes ont déjà été exprimés" in response.content.decode()
    assert Selection.objects.get(pk=selection.pk).votes_max == 3
    response = client.post(change, form_data(selection, intro="Sans faute de frappe."))
    assert response.status_code == 302
    assert Selection.objects.get(pk=selection.pk).intro == "Sans faute de frappe."
