"""Services and permissions of the collect step: drafts, submission, references, statuses."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from palabre.components.collect import permissions, services
from palabre.components.collect.models import (
    Builtin,
    Draft,
    Preset,
    Proposal,
    ProposalFile,
    Question,
)
from palabre.core.models import ActionLog
from palabre.participation.services import contributions_publish_for

from .conftest import close_step, proposal_data, submit, unverified_user

pytestmark = pytest.mark.django_db


def test_presets_enable_their_fields(collect, step):
    enabled = {ff.key: ff.required for ff in collect.form_fields.all() if ff.enabled}
    assert enabled[Builtin.COST] is True, "a participatory budget asks for the cost"
    assert enabled[Builtin.TITLE] is True
    assert collect.reference_prefix == "BP"
    assert [s.name for s in collect.statuses.all()][:2] == ["Recevable", "Non recevable"]
    services.collect_apply_preset(actor=None, collect=collect, preset=Preset.IDEAS)
    enabled = {ff.key for ff in collect.form_fields.all() if ff.enabled}
    assert enabled == {Builtin.TITLE, Builtin.BODY, Builtin.THEME}


def test_reading_a_step_never_creates_its_settings_the_service_does_once(
    step, django_assert_num_queries
):
    from palabre.components.collect import selectors
    from palabre.components.collect.models import Collect

    assert selectors.collect_for_step(step) is None
    assert not Collect.objects.exists(), "a selector only reads"
    created = services.collect_ensure(step=step)
    assert created.step is step and created.preset == Preset.CALL
    assert created.form_fields.filter(enabled=True).exists() and created.statuses.exists()
    with django_assert_num_queries(1):
        again = services.collect_ensure(step=step)
    assert again.pk == created.pk and again.step is step
    assert Collect.objects.count() == 1


def test_submit_publishes_with_a_readable_reference(collect, participant, other):
    first = submit(participant, collect)
    second = submit(other, collect, title="Une fontaine")
    year = timezone.localtime().year
    assert first.reference == f"BP-{year}-0001"
    assert second.reference == f"BP-{year}-0002"
    assert first.published and first.cost == 12000 and first.latitude == pytest.approx(46.2012)
    assert not Draft.objects.exists(), "the draft is gone once submitted"


def test_unconfirmed_author_is_published_at_confirmation(collect):
    user = unverified_user(username="lou")
    proposal = submit(user, collect)
    assert not proposal.published
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=user).update(verified=True)
    user._palabre_email_confirmed = True
    assert contributions_publish_for(user=user) == 1
    proposal.refresh_from_db()
    assert proposal.published


def test_invalid_submission_keeps_the_draft(collect, participant):
    draft, _refused = services.draft_save(
        author=participant,
        collect=collect,
        data=proposal_data(collect, cost="", title="Garder ce titre"),
    )
    with pytest.raises(services.InvalidProposal) as exc:
        services.proposal_submit(author=participant, draft=draft)
    assert "cost" in exc.value.form.errors
    draft.refresh_from_db()
    assert draft.data["title"] == "Garder ce titre"
    assert not Proposal.objects.exists()


def test_refused_file_type_is_reported_and_the_rest_kept(collect, participant):
    ff = collect.form_fields.get(key=Builtin.ATTACHMENTS)
    ff.enabled = True
    ff.save()
    files = {
        "attachments": [
            SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan", content_type="application/pdf"),
            SimpleUploadedFile("virus.exe", b"MZ", content_type="application/octet-stream"),
        ]
    }
    from django.utils.datastructures import MultiValueDict

    draft, refused = services.draft_save(
        author=participant,
        collect=collect,
        data=proposal_data(collect),
        files=MultiValueDict(files),
    )
    assert "virus.exe" in refused["attachments"][0]
    assert "refusé" in refused["attachments"][0]
    assert [f.name for f in draft.files.all()] == ["plan.pdf"]
    proposal = services.proposal_submit(author=participant, draft=draft)
    assert [f.name for f in proposal.files.all()] == ["plan.pdf"]


def test_too_large_file_is_refused(collect, participant):
    collect.attachment_max_mb = 1
    collect.save()
    ff = collect.form_fields.get(key=Builtin.ATTACHMENTS)
    ff.enabled = True
    ff.save()
    big = SimpleUploadedFile("gros.pdf", b"x" * (1024 * 1024 + 1))
    from django.utils.datastructures import MultiValueDict

    _draft, refused = services.draft_save(
        author=participant,
        collect=collect,
        data=proposal_data(collect),
        files=MultiValueDict({"attachments": [big]}),
    )
    assert "trop lourd" in refused["attachments"][0]


def test_custom_questions_are_validated_and_stored(collect, participant):
    choice = Question.objects.create(
        collect=collect, kind="single", label="Public visé", choices="Enfants\nAînés", position=95
    )
    many = Question.objects.create(
        collect=collect, kind="multiple", label="Saisons", choices="Été\nHiver", position=96
    )
    number = Question.objects.create(collect=collect, kind="number", label="Surface", position=97)
    tick = Question.objects.create(
        collect=collect, kind="checkbox", label="J'accepte", required=True, position=98
    )
    Question.objects.create(collect=collect, kind="heading", label="Pour finir", position=99)
    draft, _ = services.draft_save(
        author=participant,
        collect=collect,
        data=proposal_data(collect, **{choice.field_name: "Autre"}),
    )
    with pytest.raises(services.InvalidProposal) as exc:
        services.proposal_submit(author=participant, draft=draft)
    assert set(exc.value.form.errors) == {choice.field_name, tick.field_name}
    data = proposal_data(
        collect,
        **{
            choice.field_name: "Aînés",
            many.field_name: ["Été", "Hiver"],
            number.field_name: "42.5",
            tick.field_name: "on",
        },
    )
    draft, _ = services.draft_save(author=participant, collect=collect, draft=draft, data=data)
    proposal = services.proposal_submit(author=participant, draft=draft)
    assert proposal.answers == {
        str(choice.pk): "Aînés",
        str(many.pk): ["Été", "Hiver"],
        str(number.pk): "42.5",
        str(tick.pk): True,
    }


def test_edit_and_withdraw_while_open_only(collect, participant, other):
    proposal = submit(participant, collect)
    assert not permissions.proposal_edit(other, proposal)
    draft = services.draft_for_edit(author=participant, proposal=proposal)
    assert draft.data["title"] == proposal.title
    draft, _ = services.draft_save(
        author=participant,
        collect=collect,
        draft=draft,
        proposal=proposal,
        data={**draft.data, "title": "Des bancs, et de l'ombre"},
    )
    services.proposal_submit(author=participant, draft=draft)
    proposal.refresh_from_db()
    assert proposal.title == "Des bancs, et de l'ombre"
    assert proposal.number == 1, "an edit keeps the reference"
    services.proposal_withdraw(author=participant, proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.is_withdrawn
    assert not permissions.proposal_edit(participant, proposal)


def test_closed_step_refuses_submission_and_comments(collect, participant):
    proposal = submit(participant, collect)
    close_step(collect.step)
    collect.step.refresh_from_db()
    proposal.collect.step = collect.step
    assert not permissions.proposal_create(participant, collect)
    assert not proposal.comments_allowed()
    with pytest.raises(services.Refused):
        services.draft_save(author=participant, collect=collect, data=proposal_data(collect))


def test_status_and_answer_are_logged_and_notify_followers(
    collect, participant, other, organiser, mailoutbox, settings
):
    from palabre.participation import services as participation

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    proposal = submit(participant, collect)
    participation.follow_create(user=other, target=proposal)
    laureate = collect.statuses.get(name="Lauréat")
    with pytest.raises(services.Refused):
        services.proposal_set_status(actor=participant, proposals=[proposal], status=laureate)
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        services.proposal_set_status(actor=organiser, proposals=[proposal], status=laureate)
        services.proposal_answer(actor=organiser, proposal=proposal, body="Retenu : bravo.")
    proposal.refresh_from_db()
    assert proposal.status == laureate and proposal.answered_at
    actions = set(ActionLog.objects.values_list("action", flat=True))
    assert {"proposal_status", "proposal_answer"} <= actions
    subjects = [m.subject for m in mailoutbox]
    assert any("Nouveau statut" in s for s in subjects), subjects
    assert any("Réponse officielle" in s for s in subjects), subjects
    assert all(m.to == [other.email] for m in mailoutbox)
    assert "Retenu : bravo." in mailoutbox[-1].body

    # The email's one-click unsubscribe stops the follow: the next answer sends nothing.
    import re

    from django.test import Client

    link = re.search(r"https?://\S*unsubscribe\S*", mailoutbox[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    client = Client()
    client.get("/" + path)
    client.post("/" + path)
    from palabre.participation.models import Follow

    assert not Follow.objects.filter(user=other).exists()
    sent = len(mailoutbox)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.proposal_answer(actor=organiser, proposal=proposal, body="Réponse modifiée.")
    assert len(mailoutbox) == sent


def test_draft_belongs_to_its_author(collect, participant, other):
    draft, _ = services.draft_save(author=participant, collect=collect, data={"title": "x"})
    with pytest.raises(services.Refused):
        services.draft_save(author=other, collect=collect, draft=draft, data={"title": "y"})
    with pytest.raises(services.Refused):
        services.draft_delete(author=other, draft=draft)


def test_files_of_a_custom_file_question(collect, participant):
    q = Question.objects.create(collect=collect, kind="file", label="Devis", position=90)
    from django.utils.datastructures import MultiValueDict

    draft, refused = services.draft_save(
        author=participant,
        collect=collect,
        data=proposal_data(collect),
        files=MultiValueDict({q.field_name: [SimpleUploadedFile("devis.pdf", b"%PDF")]}),
    )
    assert not refused
    proposal = services.proposal_submit(author=participant, draft=draft)
    assert ProposalFile.objects.get(proposal=proposal).question == q


def test_illustration_must_be_a_readable_image(collect, participant):
    import io

    from django.utils.datastructures import MultiValueDict
    from PIL import Image

    ff = collect.form_fields.get(key=Builtin.ILLUSTRATION)
    ff.enabled = True
    ff.save()
    fake = SimpleUploadedFile("photo.png", b"not an image at all")
    _draft, refused = services.draft_save(
        author=participant,
        collect=collect,
        data=proposal_data(collect),
        files=MultiValueDict({"illustration": [fake]}),
    )
    assert "pas une image lisible" in refused["illustration"][0]
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "#1f4e8c").save(out, format="PNG")
    draft, refused = services.draft_save(
        author=participant,
        collect=collect,
        draft=_draft,
        data=proposal_data(collect, illustration_alt="Un banc sous un tilleul"),
        files=MultiValueDict({"illustration": [SimpleUploadedFile("photo.png", out.getvalue())]}),
    )
    assert not refused
    proposal = services.proposal_submit(author=participant, draft=draft)
    assert proposal.illustration.name.endswith("photo.png")
    assert proposal.illustration_alt == "Un banc sous un tilleul"


def test_moderation_reaches_proposals(collect, participant, other, organiser, client):
    from palabre.participation import services as participation
    from palabre.participation.models import Report

    proposal = submit(participant, collect, title="Un titre à signaler")
    participation.report_create(reporter=other, obj=proposal, reason="spam")
    assert Report.objects.get().target == proposal
    participation.contribution_trash(actor=organiser, obj=proposal, reason="Publicité")
    html = client.get(collect.step.get_absolute_url()).content.decode()
    assert "Un titre à signaler" not in html and "Contenu modéré" in html
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert "Contenu modéré : Publicité" in html
    assert not permissions.proposal_edit(participant, proposal)
