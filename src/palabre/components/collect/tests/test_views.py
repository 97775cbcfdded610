"""Pages of the collect step through the test client: list, map data, form, proposal, export."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from palabre.components.collect import services
from palabre.components.collect.models import Builtin, Draft, Proposal, Question
from palabre.core.models import ActionLog

from .conftest import proposal_data, submit

pytestmark = pytest.mark.django_db


def _url(collect, name, *args):
    step = collect.step
    return reverse(f"collect:{name}", args=[step.project.slug, step.slug, *args])


def test_list_filters_search_and_sorts(client, collect, participant, vocabulary):
    theme = vocabulary["themes"][1]
    submit(participant, collect, title="Un kiosque à musique", cost="90000")
    submit(participant, collect, title="Des nichoirs", theme=str(theme.pk), cost="500")
    page = client.get(collect.step.get_absolute_url())
    html = page.content.decode()
    assert page.status_code == 200
    assert "Un kiosque à musique" in html and "Des nichoirs" in html
    assert 'name="seed"' in html, "the random order's seed rides with the filters"
    html = client.get(collect.step.get_absolute_url(), {"theme": theme.slug}).content.decode()
    assert "Des nichoirs" in html and "kiosque" not in html
    html = client.get(collect.step.get_absolute_url(), {"q": "kiosque"}).content.decode()
    assert "kiosque" in html and "nichoirs" not in html
    html = client.get(collect.step.get_absolute_url(), {"sort": "cost"}).content.decode()
    assert html.index("Des nichoirs") < html.index("Un kiosque")
    html = client.get(collect.step.get_absolute_url(), {"sort": "-cost"}).content.decode()
    assert html.index("Un kiosque") < html.index("Des nichoirs")


def test_random_order_is_stable_for_a_seed(client, collect, participant):
    for i in range(8):
        submit(participant, collect, title=f"Proposition {i}")
    url = collect.step.get_absolute_url()

    def order(seed):
        html = client.get(url, {"seed": seed}).content.decode()
        return [i for i in range(8) if f"Proposition {i}<" in html] and sorted(
            range(8), key=lambda i: html.index(f"Proposition {i}<")
        )

    assert order(17) == order(17)
    assert any(order(17) != order(s) for s in (18, 19, 20, 21))


def test_map_data_lists_pins(client, collect, participant):
    p = submit(participant, collect)
    submit(participant, collect, title="Sans lieu", latitude="", longitude="")
    data = client.get(_url(collect, "map_data")).json()
    assert data["count"] == 1
    assert data["pins"][0][:5] == [p.pk, 46.2012, 2.9011, p.title, p.reference]
    assert data["url"].replace("{id}", str(p.pk)) == p.get_absolute_url()
    assert client.get(_url(collect, "map_data"), {"bbox": "0,0,1,1"}).json()["count"] == 0
    assert client.get(_url(collect, "map")).status_code == 200


def test_form_needs_an_account(client, collect):
    response = client.get(_url(collect, "proposal_create"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_save_draft_without_javascript_then_restore(client, collect, participant):
    client.force_login(participant)
    url = _url(collect, "proposal_create")
    response = client.post(url, {"action": "save", "title": "Mon idée", "summary": "À finir"})
    draft = Draft.objects.get(author=participant)
    assert response.status_code == 302 and f"draft={draft.pk}" in response["Location"]
    html = client.get(url).content.decode()
    assert 'value="Mon idée"' in html and "À finir" in html
    assert "a été restauré" in html
    drafts = client.get(reverse("collect_drafts")).content.decode()
    assert "Mon idée" in drafts


def test_autosave_endpoint(client, collect, participant):
    client.force_login(participant)
    url = _url(collect, "proposal_autosave")
    first = client.post(url, {"title": "Brouillon auto"}).json()
    second = client.post(url, {"title": "Brouillon auto 2", "draft": first["draft"]}).json()
    assert first["draft"] == second["draft"]
    assert Draft.objects.get().data["title"] == "Brouillon auto 2"
    client.logout()
    assert client.post(url, {"title": "x"}).status_code == 403


def test_invalid_submission_keeps_everything_and_says_why(client, collect, participant):
    ff = collect.form_fields.get(key=Builtin.ATTACHMENTS)
    ff.enabled = True
    ff.save()
    client.force_login(participant)
    data = proposal_data(collect, title="Titre conservé", cost="")
    data["attachments"] = [SimpleUploadedFile("script.sh", b"rm -rf /")]
    response = client.post(_url(collect, "proposal_create"), {**data, "action": "submit"})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'value="Titre conservé"' in html
    assert "script.sh" in html and "refusé" in html
    assert "Formats acceptés" in html
    assert 'aria-describedby="id_cost_helptext id_cost_error"' in html
    assert not Proposal.objects.exists()


def test_submit_redirects_to_the_proposal_page(client, collect, participant, other):
    client.force_login(participant)
    response = client.post(
        _url(collect, "proposal_create"), {**proposal_data(collect), "action": "submit"}
    )
    proposal = Proposal.objects.get()
    assert response["Location"] == proposal.get_absolute_url()
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert proposal.reference in html and "Modifier" in html
    client.force_login(other)
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert "Signaler" in html and "Modifier" not in html
    assert "mailto:?" in html, "share links"


def test_custom_answers_shown_on_the_page(client, collect, participant):
    q = Question.objects.create(collect=collect, kind="short_text", label="Porteur", position=99)
    p = submit(participant, collect, **{q.field_name: "Association des Rives"})
    html = client.get(p.get_absolute_url()).content.decode()
    assert "Porteur" in html and "Association des Rives" in html


def test_organiser_answers_from_the_page_and_exports(client, collect, participant, organiser):
    q = Question.objects.create(collect=collect, kind="short_text", label="Porteur", position=99)
    p = submit(participant, collect, **{q.field_name: "=HYPERLINK(1)"})
    status = collect.statuses.get(name="Recevable")
    client.force_login(participant)
    assert client.get(_url(collect, "export", "csv")).status_code == 403
    client.force_login(organiser)
    assert (
        _url(collect, "export", "xlsx")
        in client.get(collect.step.get_absolute_url()).content.decode()
    )
    client.post(
        _url(collect, "proposal_answer", p.pk),
        {"status": status.pk, "official_answer": "Étudiée en commission."},
    )
    p.refresh_from_db()
    assert p.status == status and p.official_answer == "Étudiée en commission."
    response = client.get(_url(collect, "export", "csv"))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert rows[0][-1] == "Porteur"
    assert rows[1][0] == p.reference and rows[1][-1] == "'=HYPERLINK(1)"
    assert rows[1][rows[0].index("Statut")] == "Recevable"
    response = client.get(_url(collect, "export", "xlsx"))
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.cell(row=2, column=1).value == p.reference
    assert ActionLog.objects.filter(action="collect_export").count() == 2


def test_admin_bulk_status_change(client, collect, participant, organiser):
    proposals = [submit(participant, collect, title=f"P{i}") for i in range(3)]
    status = collect.statuses.get(name="Non recevable")
    client.force_login(organiser)
    response = client.post(
        reverse("admin:collect_proposal_changelist"),
        {
            "action": "set_status",
            "status": status.pk,
            "_selected_action": [p.pk for p in proposals[:2]],
        },
    )
    assert response.status_code == 302
    assert Proposal.objects.filter(status=status).count() == 2
    assert ActionLog.objects.filter(action="proposal_status").count() == 2


def test_admin_pages_render(client, collect, participant, organiser):
    p = submit(participant, collect)
    client.force_login(organiser)
    assert client.get(reverse("admin:collect_collect_change", args=[collect.pk])).status_code == 200
    assert client.get(reverse("admin:collect_proposal_change", args=[p.pk])).status_code == 200
    assert client.get(reverse("admin:collect_collect_add")).status_code == 200


def test_withdraw(client, collect, participant):
    p = submit(participant, collect)
    client.force_login(participant)
    assert client.get(_url(collect, "proposal_withdraw", p.pk)).status_code == 200
    client.post(_url(collect, "proposal_withdraw", p.pk))
    p.refresh_from_db()
    assert p.is_withdrawn
    assert p.title not in client.get(collect.step.get_absolute_url()).content.decode()


def test_edit_page_prefills_and_saves(client, collect, participant):
    p = submit(participant, collect)
    client.force_login(participant)
    url = _url(collect, "proposal_edit", p.pk)
    html = client.get(url).content.decode()
    assert f'value="{p.title}"' in html
    draft = Draft.objects.get(proposal=p)
    data = {**proposal_data(collect), "title": "Nouveau titre", "draft": draft.pk}
    response = client.post(url, {**data, "action": "submit"})
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.title == "Nouveau titre"
    assert services is not None


def test_moderated_proposal_shows_neither_its_title_nor_its_illustration(
    client, collect, participant, organiser
):
    from palabre.participation import services as participation

    p = submit(participant, collect, title="Un titre injurieux")
    Proposal.objects.filter(pk=p.pk).update(illustration="collect/illustrations/x/choquante.png")
    p.refresh_from_db()
    participation.contribution_trash(actor=organiser, obj=p, reason="Propos injurieux")
    html = client.get(collect.step.get_absolute_url()).content.decode()
    assert "Contenu modéré" in html and "choquante.png" not in html
    html = client.get(p.get_absolute_url()).content.decode()
    assert "Contenu modéré : Propos injurieux" in html
    assert "Un titre injurieux" not in html, "not even in the page's <title>"
    assert "choquante.png" not in html


def test_map_data_of_a_restricted_project_is_not_for_shared_caches(client, collect, participant):
    submit(participant, collect)
    response = client.get(_url(collect, "map_data"))
    assert response["Cache-Control"] == "public, max-age=30"
    project = collect.step.project
    project.visibility = project.Visibility.RESTRICTED
    project.save()
    project.allowed_users.add(participant)
    client.force_login(participant)
    response = client.get(_url(collect, "map_data"))
    assert response.status_code == 200 and response.json()["count"] == 1
    assert response["Cache-Control"] == "private, max-age=30"


def test_search_does_not_find_a_moderated_proposal_by_its_hidden_text(
    client, collect, participant, organiser
):
    from palabre.participation import services as participation

    p = submit(participant, collect, title="Un kiosque injurieux")
    participation.contribution_trash(actor=organiser, obj=p, reason="Propos injurieux")
    url = collect.step.get_absolute_url()
    assert "Contenu modéré" in client.get(url).content.decode()
    assert "Contenu modéré" not in client.get(url, {"q": "injurieux"}).content.decode()
    assert "Contenu modéré" in client.get(url, {"q": p.reference}).content.decode()
