"""Reports and moderation, shared by every kind (here on consultation contributions)."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse

from palabre.components.consultation.models import Argument, Opinion
from palabre.components.consultation.tests.conftest import (
    ArgumentFactory,
    OpinionFactory,
    SectionFactory,
    verified_user,
)
from palabre.core.models import ActionLog, Project
from palabre.participation import services
from palabre.participation.models import Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def author():
    return verified_user(username="autrice")


@pytest.fixture
def reporter():
    return verified_user(username="vigilant")


@pytest.fixture
def moderator():
    return verified_user(username="modo", role="moderator", is_staff=True)


@pytest.fixture
def opinion(author):
    return OpinionFactory(
        section=SectionFactory(), author=author, body="<p>Texte litigieux à modérer.</p>"
    )


def _report_url(obj) -> str:
    return reverse("report", args=[ContentType.objects.get_for_model(obj).pk, obj.pk])


def _report(obj, reporter, reason="offensive") -> Report:
    return services.report_create(reporter=reporter, obj=obj, reason=reason)


# --- reports --------------------------------------------------------------------------------


def test_report_once_per_reporter_per_object(opinion, reporter):
    report = _report(opinion, reporter)
    assert (report.status, report.target) == (Report.Status.PENDING, opinion)
    with pytest.raises(ValidationError, match="déjà signalé"):
        _report(opinion, reporter, reason="spam")
    assert Report.objects.count() == 1
    # Someone else may report it too, and the same reporter may report another contribution.
    _report(opinion, verified_user())
    _report(ArgumentFactory(opinion=opinion), reporter)
    assert Report.objects.count() == 3


def test_cannot_report_ones_own_contribution(opinion, author):
    with pytest.raises(ValidationError, match="propre contribution"):
        _report(opinion, author)
    assert not Report.objects.exists()


def test_unknown_reason_is_refused(opinion, reporter):
    with pytest.raises(ValidationError, match="motif"):
        _report(opinion, reporter, reason="je-n-aime-pas")
    assert not Report.objects.exists()


def test_report_view_requires_login(client, opinion):
    url = _report_url(opinion)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    response = client.post(url, {"reason": "spam"})
    assert response.status_code == 302
    assert not Report.objects.exists()


def test_report_view_refuses_unknown_or_unregistered_targets_with_404(client, opinion, reporter):
    client.force_login(reporter)
    opinion_ct = ContentType.objects.get_for_model(Opinion).pk
    project = Project.objects.first()
    pending = OpinionFactory(section=opinion.section, published=False, published_at=None)
    for content_type_id, object_id in [
        (999_999, opinion.pk),  # no such content type
        (ContentType.objects.get_for_model(Project).pk, project.pk),  # not a contribution
        (ContentType.objects.get_for_model(reporter).pk, reporter.pk),  # a user account
        (opinion_ct, 999_999),  # no such opinion
        (opinion_ct, pending.pk),  # not published
    ]:
        url = reverse("report", args=[content_type_id, object_id])
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"reason": "spam"}).status_code == 404, url
    assert not Report.objects.exists()


def test_report_through_the_view(client, opinion, reporter):
    client.force_login(reporter)
    url = _report_url(opinion)
    page = client.get(url)
    assert page.status_code == 200
    assert "Texte litigieux" in page.content.decode()
    response = client.post(
        url, {"reason": "off_topic", "comment": " Aucun rapport. ", "next": "https://evil.example"}
    )
    assert response.status_code == 302
    assert response["Location"] == opinion.get_absolute_url()  # foreign "next" ignored
    report = Report.objects.get()
    assert (report.reporter, report.reason, report.comment) == (
        reporter,
        "off_topic",
        "Aucun rapport.",
    )
    again = client.post(url, {"reason": "spam"})
    assert again.status_code == 400
    assert "déjà signalé" in again.content.decode()
    assert Report.objects.count() == 1


def test_reported_excerpt_is_escaped_once(client, reporter):
    opinion = OpinionFactory(title="Pain & sel", body="<p>Le pain &amp; le sel &lt;3</p>")
    client.force_login(reporter)
    html = client.get(_report_url(opinion)).content.decode()
    assert "Pain &amp; sel — Le pain &amp; le sel &lt;3" in html
    assert "&amp;amp;" not in html and "&amp;lt;" not in html


def test_report_view_refuses_own_contribution(client, opinion, author):
    client.force_login(author)
    response = client.post(_report_url(opinion), {"reason": "spam"})
    assert response.status_code == 400
    assert "propre contribution" in response.content.decode()
    assert not Report.objects.exists()


# --- the moderation queue in the back office --------------------------------------------------


def _decide(client, report, **data):
    url = reverse("admin:participation_report_change", args=[report.pk])
    return client.post(url, {"_save": "Enregistrer", **data})


def test_moderator_hides_content_and_public_sees_the_reason(client, opinion, reporter, moderator):
    report = _report(opinion, reporter)
    other_report = _report(opinion, verified_user())
    public = client.get(opinion.get_absolute_url()).content.decode()
    assert "Texte litigieux" in public

    client.force_login(moderator)
    change = client.get(reverse("admin:participation_report_change", args=[report.pk]))
    assert change.status_code == 200
    assert "Texte litigieux" in change.content.decode()  # the moderator sees what is reported
    response = _decide(client, report, decision="hide", public_reason="Propos injurieux")
    assert response.status_code == 302, response.content.decode()[:2000]

    opinion.refresh_from_db()
    assert opinion.is_trashed and opinion.trashed_reason == "Propos injurieux"
    for r in (report, other_report):
        r.refresh_from_db()
        assert (r.status, r.handled_by) == (Report.Status.HIDDEN, moderator)
    log = ActionLog.objects.get(action="moderation_hide")
    assert (log.actor, log.object_id, log.changes) == (
        moderator,
        str(opinion.pk),
        {"reason": "Propos injurieux"},
    )

    client.logout()
    html = client.get(opinion.get_absolute_url()).content.decode()
    assert "Contenu modéré : Propos injurieux" in html
    assert "Texte litigieux" not in html
    section_html = client.get(opinion.section.get_absolute_url()).content.decode()
    assert "Contenu modéré : Propos injurieux" in section_html


def test_hidden_argument_is_replaced_by_the_reason(client, opinion, reporter, moderator):
    argument = ArgumentFactory(opinion=opinion, body="Argument insultant")
    report = _report(argument, reporter)
    client.force_login(moderator)
    assert _decide(client, report, decision="hide", public_reason="Insulte").status_code == 302
    assert Argument.objects.get(pk=argument.pk).is_trashed
    client.logout()
    html = client.get(opinion.get_absolute_url()).content.decode()
    assert "Contenu modéré : Insulte" in html
    assert "Argument insultant" not in html
    assert "Texte litigieux" in html  # the opinion itself stays


def test_hide_without_public_reason_is_refused(client, opinion, reporter, moderator):
    report = _report(opinion, reporter)
    client.force_login(moderator)
    response = _decide(client, report, decision="hide", public_reason="  ")
    assert response.status_code == 200
    assert "motif public" in response.content.decode()
    assert not Opinion.objects.get(pk=opinion.pk).is_trashed
    assert Report.objects.get(pk=report.pk).status == Report.Status.PENDING


def test_dismiss_leaves_the_content_visible(client, opinion, reporter, moderator):
    report = _report(opinion, reporter)
    client.force_login(moderator)
    response = _decide(client, report, decision="dismiss", public_reason="")
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.handled_by) == (Report.Status.DISMISSED, moderator)
    assert report.handled_at is not None
    assert not Opinion.objects.get(pk=opinion.pk).is_trashed
    assert ActionLog.objects.filter(action="report_dismiss", actor=moderator).exists()
    client.logout()
    html = client.get(opinion.get_absolute_url()).content.decode()
    assert "Texte litigieux" in html and "Contenu modéré" not in html


def test_restore_shows_the_content_again(client, opinion, reporter, moderator):
    report = _report(opinion, reporter)
    services.contribution_trash(actor=moderator, obj=opinion, reason="Erreur")
    client.force_login(moderator)
    assert _decide(client, report, decision="restore", public_reason="").status_code == 302
    opinion.refresh_from_db()
    assert not opinion.is_trashed and opinion.trashed_reason == ""
    assert ActionLog.objects.filter(action="moderation_restore").exists()


def test_participant_cannot_reach_the_report_admin(client, opinion, reporter, author):
    report = _report(opinion, reporter)
    author.is_staff = True  # even a staff flag does not make a participant a moderator
    author.save()
    for user in (reporter, author):
        client.force_login(user)
        for url in (
            reverse("admin:participation_report_changelist"),
            reverse("admin:participation_report_change", args=[report.pk]),
        ):
            response = client.get(url)
            assert response.status_code in (302, 403), url
            if response.status_code == 302:
                assert reverse("admin:login") in response["Location"]
        response = _decide(client, report, decision="hide", public_reason="Censure")
        assert response.status_code in (302, 403)
    assert not Opinion.objects.get(pk=opinion.pk).is_trashed
    assert Report.objects.get(pk=report.pk).status == Report.Status.PENDING


def test_moderator_dismisses_several_reports_at_once(client, opinion, reporter, moderator):
    reports = [_report(opinion, reporter), _report(opinion, verified_user())]
    client.force_login(moderator)
    response = client.post(
        reverse("admin:participation_report_changelist"),
        {"action": "dismiss_selected", "_selected_action": [r.pk for r in reports]},
    )
    assert response.status_code == 302
    assert set(Report.objects.values_list("status", flat=True)) == {Report.Status.DISMISSED}
    assert not Opinion.objects.get(pk=opinion.pk).is_trashed


def test_moderation_queue_runs_a_fixed_number_of_queries(client, opinion, moderator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("admin:participation_report_changelist")
    client.force_login(moderator)

    def count() -> int:
        client.get(url)  # warm the per-process caches
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    _report(opinion, verified_user())
    _report(ArgumentFactory(opinion=opinion), verified_user())
    few = count()
    for _ in range(8):
        _report(ArgumentFactory(opinion=opinion), verified_user())
        _report(OpinionFactory(section=opinion.section), verified_user())
    assert count() == few
