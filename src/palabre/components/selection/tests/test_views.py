"""The pages: plain forms without JavaScript, htmx fragments, results, CSV, query counts."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from palabre.components.selection import services
from palabre.components.selection.models import Vote

from .conftest import close, make_selection, proposals, verified_user

pytestmark = pytest.mark.django_db


def url(selection, name, *args):
    step = selection.step
    return reverse(f"selection:{name}", args=[step.project.slug, step.slug, *args])


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_list_page_anonymous_invites_to_log_in(client):
    selection = make_selection(vote_type="simple", votes_max=3)
    response = client.get(selection.step.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Projet 1" in html and "Se connecter pour voter" in html
    assert 'id="ballot-counter"' in html and 'aria-live="polite"' in html
    assert "selection/vendor/htmx/htmx.min.js" in html
    assert "Calendrier" in html and "Dépôt des projets" in html  # the project's timeline


def test_vote_without_javascript_until_the_limit(client, participant):
    selection = make_selection(vote_type="simple", votes_max=2)
    p1, p2, p3, *_ = proposals(selection)
    client.force_login(participant)
    page = client.get(selection.step.get_absolute_url()).content.decode()
    assert "2 votes restants sur 2" in page
    for p in (p1, p2):
        response = client.post(url(selection, "vote", p.pk), {"action": "vote"}, follow=True)
        assert "Votre vote est enregistré." in messages_of(response)
    response = client.post(
        url(selection, "vote", p3.pk),
        {"action": "vote", "next": selection.step.get_absolute_url()},
        follow=True,
    )
    [message] = messages_of(response)
    assert message.startswith("Limite atteinte")
    assert re.search(r"0 votes? restants? sur 2", response.content.decode())
    response = client.post(url(selection, "vote", p1.pk), {"action": "unvote"}, follow=True)
    assert "Votre vote est retiré." in messages_of(response)
    assert set(Vote.objects.values_list("proposal_id", flat=True)) == {p2.pk}


def test_htmx_vote_answers_a_fragment_with_the_counter_out_of_band(client, participant):
    selection = make_selection(vote_type="budget", budget=50_000, costs=[37_600, 20_000, 1, 2, 3])
    p1, p2, *_ = proposals(selection)
    client.force_login(participant)
    response = client.post(
        url(selection, "vote", p1.pk),
        {"action": "vote", "here": selection.step.get_absolute_url()},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert f'id="vote-{p1.pk}"' in html and "Retirer mon vote" in html
    assert 'hx-swap-oob="innerHTML"' in html
    assert "12\xa0400\xa0€ restants sur 50\xa0000\xa0€" in html
    response = client.post(
        url(selection, "vote", p2.pk), {"action": "vote"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "Budget dépassé" in html and "vote-status__error" in html


def test_english_amounts(client, participant):
    selection = make_selection(vote_type="budget", budget=50_000, costs=[37_600, 1, 2, 3, 4])
    client.force_login(participant)
    services.vote_cast(
        user=participant, selection=selection, proposal_id=proposals(selection)[0].pk
    )
    client.cookies["django_language"] = "en"
    html = client.get(selection.step.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "€12,400" in html and "€50,000" in html


def test_closed_step_refuses_with_the_reason(client, participant):
    selection = make_selection(vote_type="simple")
    p1 = proposals(selection)[0]
    close(selection)
    client.force_login(participant)
    response = client.post(url(selection, "vote", p1.pk), {"action": "vote"}, follow=True)
    assert messages_of(response) == ["Le vote est terminé : il n'est plus possible de voter."]
    assert "Le vote est terminé." in response.content.decode()


def test_anonymous_post_goes_to_login(client):
    selection = make_selection(vote_type="simple")
    response = client.post(url(selection, "vote", proposals(selection)[0].pk), {"action": "vote"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_restricted_project_s_vote_is_a_404_to_whoever_may_not_see_it(client, participant):
    selection = make_selection(vote_type="simple")
    project, first = selection.step.project, proposals(selection)[0]
    project.visibility = project.Visibility.RESTRICTED
    project.save()
    outsider = verified_user(username="dominique")
    pages = [
        ("get", selection.step.get_absolute_url()),
        ("get", url(selection, "proposal", first.pk)),
        ("post", url(selection, "vote", first.pk)),
    ]
    # Neither a 403 nor a redirect to the login page: both would tell that the project exists.
    for who in (None, outsider):
        if who:
            client.force_login(who)
        for method, path in pages:
            response = getattr(client, method)(path, {"action": "vote"} if method == "post" else {})
            assert response.status_code == 404, (who, path)
    assert not Vote.objects.exists()
    project.allowed_users.add(participant)
    client.force_login(participant)
    for _method, path in pages[:2]:
        assert client.get(path).status_code == 200
    assert client.post(pages[2][1], {"action": "vote"}).status_code == 302
    assert Vote.objects.filter(ballot__user=participant).count() == 1


def test_ballot_page_reorders_with_plain_forms(client, participant):
    selection = make_selection(vote_type="ranked", votes_max=3)
    p1, p2, p3, *_ = proposals(selection)
    for p in (p1, p2, p3):
        services.vote_cast(user=participant, selection=selection, proposal_id=p.pk)
    client.force_login(participant)
    page = client.get(url(selection, "ballot"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Mon classement" in html and f'id="move-up-{p3.pk}"' in html
    response = client.post(url(selection, "move", p3.pk), {"direction": "up"}, follow=True)
    assert "Classement modifié." in messages_of(response)
    assert list(Vote.objects.order_by("rank").values_list("proposal_id", flat=True)) == [
        p1.pk,
        p3.pk,
        p2.pk,
    ]
    response = client.post(
        url(selection, "move", p1.pk), {"direction": "up"}, HTTP_HX_REQUEST="true"
    )
    assert "déjà en première position" in response.content.decode()


def test_requirements_form(client, participant):
    selection = make_selection(vote_type="simple", zip_codes="75*", rules="Soyez sympas.")
    client.force_login(participant)
    html = client.get(url(selection, "ballot")).content.decode()
    assert "Indiquez votre code postal" in html and "Soyez sympas." in html
    response = client.post(
        url(selection, "requirements"), {"zip_code": "75011", "accept_rules": "on"}, follow=True
    )
    assert "C'est fait : vous pouvez voter." in messages_of(response)
    participant.refresh_from_db()
    assert participant.zip_code == "75011"
    services.vote_cast(
        user=participant, selection=selection, proposal_id=proposals(selection)[0].pk
    )


def test_results_hidden_until_the_end_then_shown_with_csv(client, participant, organiser):
    selection = make_selection(
        vote_type="budget",
        budget=10_000,
        costs=[6_000, 5_000, 4_000, 3_000, 9_000],
        threshold=2,
    )
    props = proposals(selection)
    voters = [participant, *(verified_user(username=f"v{i}") for i in range(3))]
    for user, picks in zip(voters, [(0, 3), (0, 2), (1, 3), (1, 2)], strict=True):
        for i in picks:
            services.vote_cast(user=user, selection=selection, proposal_id=props[i].pk)
    response = client.get(url(selection, "results"))
    assert response.status_code == 200, "an open vote's results tab explains, it does not refuse"
    assert "Les résultats seront publiés à la fin du vote, le" in response.content.decode()
    assert "results-table" not in response.content.decode()
    client.force_login(organiser)
    assert client.get(url(selection, "results")).status_code == 200
    client.logout()
    close(selection)
    response = client.get(url(selection, "results"))
    html = response.content.decode()
    assert response.status_code == 200
    # Two votes each: 0 (6 000) is funded first, 1 (5 000) no longer fits, 2 (4 000) does,
    # then nothing is left: 10 000 spent.
    assert "2 projets financés pour 10\xa0000\xa0€ sur un budget de 10\xa0000\xa0€" in html
    assert "4 propositions qualifiées" in html
    rows = list(
        csv.reader(
            io.StringIO(client.get(url(selection, "results_csv")).content.decode("utf-8-sig"))
        )
    )
    assert rows[0] == ["rang", "référence", "titre", "votes", "coût (€)", "financé", "qualifiée"]
    funded = {r[2]: r[5] for r in rows[1:]}
    assert funded == {
        "Projet 1": "1",
        "Projet 2": "0",
        "Projet 3": "1",
        "Projet 4": "0",
        "Projet 5": "0",
    }


def test_proposal_page_votes(client, participant):
    selection = make_selection(vote_type="simple", results_visibility="live")
    p1 = proposals(selection)[0]
    client.force_login(participant)
    response = client.get(url(selection, "proposal", p1.pk))
    assert response.status_code == 200 and "Voter" in response.content.decode()
    client.post(url(selection, "vote", p1.pk), {"action": "vote", "where": "proposal"})
    html = client.get(url(selection, "proposal", p1.pk)).content.decode()
    assert "Vous avez voté pour cette proposition" in html
    assert client.get(url(selection, "proposal", 999_999)).status_code == 404


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(ctx.captured_queries)


@pytest.mark.parametrize("vote_type", ["simple", "budget", "ranked"])
def test_query_counts_do_not_grow_with_the_proposals(client, vote_type):
    figures = []
    for n in (5, 50):
        selection = make_selection(
            n=n, vote_type=vote_type, votes_max=5, budget=10**9, results_visibility="live"
        )
        user = verified_user()
        for p in proposals(selection)[:5]:
            services.vote_cast(user=user, selection=selection, proposal_id=p.pk)
        client.force_login(user)
        paths = [
            selection.step.get_absolute_url(),
            url(selection, "ballot"),
            url(selection, "results"),
        ]
        client.get(paths[0])  # warm the organisation cache
        figures.append([_queries(client, p) for p in paths])
    assert figures[0] == figures[1], figures


def test_htmx_post_of_a_logged_out_visitor_navigates_to_the_login_page(client):
    selection = make_selection(vote_type="simple")
    response = client.post(
        url(selection, "vote", proposals(selection)[0].pk),
        {"action": "vote"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith("/accounts/login/?next=")


def test_results_secret_until_a_date_then_public(client):
    from datetime import timedelta

    from django.utils import timezone

    selection = make_selection(
        vote_type="ranked",
        votes_max=2,
        results_visibility="date",
        results_at=timezone.now() + timedelta(days=1),
    )
    response = client.get(url(selection, "results"))
    assert response.status_code == 200
    assert "Les résultats seront publiés le" in response.content.decode()
    assert client.get(url(selection, "results_csv")).status_code == 403
    selection.results_at = timezone.now() - timedelta(minutes=1)
    selection.save()
    response = client.get(url(selection, "results_csv"))
    assert response.status_code == 200
    assert (
        response.content.decode("utf-8-sig").splitlines()[0] == "rang,référence,titre,votes,points"
    )


def test_csv_neutralises_formulas(client, participant):
    selection = make_selection(vote_type="simple", results_visibility="live")
    first = proposals(selection)[0]
    first.title = '=HYPERLINK("http://example.org")'
    first.save()
    rows = list(
        csv.reader(
            io.StringIO(client.get(url(selection, "results_csv")).content.decode("utf-8-sig"))
        )
    )
    assert any(r[2].startswith("'=") for r in rows[1:])


def test_no_vote_step_lists_proposals_without_buttons(client, participant):
    selection = make_selection(vote_type="none")
    client.force_login(participant)
    html = client.get(selection.step.get_absolute_url()).content.decode()
    assert "Projet 1" in html and "vote-button-" not in html
    response = client.post(
        url(selection, "vote", proposals(selection)[0].pk), {"action": "vote"}, follow=True
    )
    assert messages_of(response) == ["Cette étape ne comporte pas de vote."]


def test_anonymity_and_invalid_requirements(client, participant):
    selection = make_selection(vote_type="simple", anonymous_allowed=True, min_age=18)
    client.force_login(participant)
    response = client.post(url(selection, "anonymity"), {"anonymous": "1"}, follow=True)
    assert "Votre choix est enregistré." in messages_of(response)
    assert "Vous votez anonymement" in response.content.decode()
    response = client.post(url(selection, "requirements"), {"birth_date": "pas une date"})
    assert response.status_code == 400
    response = client.post(
        url(selection, "requirements"), {"birth_date": "2099-01-01"}, follow=True
    )
    assert "Cette date est dans le futur." in messages_of(response)
    response = client.post(
        url(selection, "requirements"), {"birth_date": "1990-01-01"}, follow=True
    )
    assert "C'est fait : vous pouvez voter." in messages_of(response)


def test_other_steps_ballots_listed_on_my_votes(client, participant):
    first = make_selection(vote_type="simple")
    second = make_selection(vote_type="simple")
    services.vote_cast(user=participant, selection=second, proposal_id=proposals(second)[0].pk)
    client.force_login(participant)
    html = client.get(url(first, "ballot")).content.decode()
    assert "Mes votes dans d'autres étapes" in html and url(second, "ballot") in html


def test_my_votes_in_the_account_area_lists_every_step(client, participant):
    client.force_login(participant)
    path = reverse("selection_my_votes")
    assert "Vous n'avez encore voté dans aucune étape." in client.get(path).content.decode()
    figures = []
    for _ in range(2):
        selection = make_selection(vote_type="budget", budget=100_000, votes_min=3)
        for p in proposals(selection)[:2]:
            services.vote_cast(user=participant, selection=selection, proposal_id=p.pk)
        figures.append(_queries(client, path))
    html = client.get(path).content.decode()
    assert html.count('class="my-ballot"') == 2
    assert "Bulletin pas encore compté" in html and "2\xa0000\xa0€" in html
    assert 'aria-current="page"' in html and "Mes votes" in html
    assert figures[0] == figures[1], figures
    client.logout()
    assert client.get(path).status_code == 302


def test_list_filters_by_district_and_sorts_by_cost(client, participant):
    from palabre.core.tests.factories import DistrictFactory

    selection = make_selection(vote_type="simple", costs=[5_000, 1_000, 3_000, 4_000, 2_000])
    north, south = DistrictFactory(name="Nord"), DistrictFactory(name="Sud")
    for i, proposal in enumerate(proposals(selection)):
        proposal.district = north if i % 2 == 0 else south
        proposal.save()
    path = selection.step.get_absolute_url()
    html = client.get(path, {"district": north.slug, "sort": "cost"}).content.decode()
    titles = re.findall(r'id="proposal-title-\d+"><a [^>]+>([^<]+)</a>', html)
    assert titles == ["Projet 5", "Projet 3", "Projet 1"], titles  # 2 000, 3 000, 5 000 €
    assert "3 propositions correspondent à ces critères" in html and "Effacer les filtres" in html
    html = client.get(path, {"sort": "-cost"}).content.decode()
    titles = re.findall(r'id="proposal-title-\d+"><a [^>]+>([^<]+)</a>', html)
    assert titles[0] == "Projet 1" and titles[-1] == "Projet 2"
    assert client.get(path, {"district": "nowhere"}).status_code == 200  # ignored, not a 500


def test_htmx_unvote_from_my_votes_of_a_proposal_withdrawn_since(client, participant):
    from palabre.components.collect.models import Proposal

    selection = make_selection(vote_type="simple", votes_max=2)
    p1, p2, *_ = proposals(selection)
    for p in (p1, p2):
        services.vote_cast(user=participant, selection=selection, proposal_id=p.pk)
    Proposal.objects.filter(pk=p1.pk).update(state=Proposal.State.WITHDRAWN)
    client.force_login(participant)
    response = client.post(
        url(selection, "vote", p1.pk),
        {"action": "unvote", "where": "ballot"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Votre vote est retiré." in html and f'id="vote-{p2.pk}"' in html
    assert f'id="vote-{p1.pk}"' not in html
    assert list(Vote.objects.values_list("proposal_id", flat=True)) == [p2.pk]


def test_htmx_refusals_answer_with_the_ballot_as_it_stands(client, participant):
    """A refused vote or unvote shows the counts the ballot really has (read with its lock)."""
    selection = make_selection(vote_type="simple", votes_max=3)
    p1, p2, p3, p4, _ = proposals(selection)
    client.force_login(participant)
    vote = url(selection, "vote", p1.pk)
    assert client.post(vote, {"action": "vote"}, HTTP_HX_REQUEST="true").status_code == 200
    # Taking back a vote never given: refused, and the ballot still has its one vote.
    html = client.post(
        url(selection, "vote", p2.pk), {"action": "unvote"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Vous n&#x27;avez pas voté pour cette proposition" in html
    assert "2 votes restants sur 3" in html
    for proposal in (p2, p3):
        client.post(url(selection, "vote", proposal.pk), {"action": "vote"}, HTTP_HX_REQUEST="true")
    html = client.post(
        url(selection, "vote", p4.pk), {"action": "vote"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Limite atteinte" in html and re.search(r"\b0 votes? restants? sur 3", html)
    assert f'id="vote-{p4.pk}"' in html and "Retirer mon vote" not in html


def test_a_project_unpublished_a_moment_ago_takes_no_more_votes(client, participant):
    """The vote endpoints keep a step's settings a few seconds; the service reads the
    project's visibility again inside the vote's transaction."""
    selection = make_selection(vote_type="simple", votes_max=3)
    p1, p2, *_ = proposals(selection)
    client.force_login(participant)
    client.post(url(selection, "vote", p1.pk), {"action": "vote"}, HTTP_HX_REQUEST="true")
    project = selection.step.project
    type(project).objects.filter(pk=project.pk).update(visibility=project.Visibility.DRAFT)
    html = client.post(
        url(selection, "vote", p2.pk), {"action": "vote"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "pas encore publié" in html and "vote-status__error" in html
    assert not Vote.objects.filter(proposal=p2).exists()


def test_a_proposal_number_beyond_the_key_range_is_not_found(client, participant):
    selection = make_selection(vote_type="simple", votes_max=3)
    client.force_login(participant)
    response = client.post(url(selection, "vote", 2**70), {"action": "vote"})
    assert response.status_code == 404


def test_vote_endpoints_memo_hands_out_copies_that_leave_the_kept_step_alone():
    from palabre.components.selection.views import _action_selection, action_memo_clear

    selection = make_selection(vote_type="simple", votes_max=3)
    step, project = selection.step, selection.step.project
    action_memo_clear()
    first = _action_selection(project.slug, step.slug)
    with CaptureQueriesContext(connection) as queries:
        second = _action_selection(project.slug, step.slug)
    assert len(queries) == 0  # the second one from the memo
    for copy in (first, second):
        assert copy.pk == selection.pk and not copy._state.adding and copy._state.db == "default"
        assert copy.step.pk == step.pk and copy.step.project.pk == project.pk
    assert second is not first and second.step is not first.step
    assert second.step.project is not first.step.project
    assert second._state is not first._state
    # What a request changes on its copy (the service refreshes rules and dates) stays there.
    first.votes_max, first.step.title, first.step.project.title = 99, "Changed", "Changed"
    third = _action_selection(project.slug, step.slug)
    assert third.votes_max == 3 and third.step.title == step.title
    assert third.step.project.title == project.title
    assert third.step.project is third.step.project  # the relation goes to the copy kept
    assert third.step.project is not second.step.project
    action_memo_clear()
