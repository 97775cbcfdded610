"""Too many votes in a short time, in a real browser: the refusal and its reason are shown
where the vote's result is shown (the selection's vote zone with htmx, the consultation's vote
widget with vote.js), the page stays, nothing is lost; without JavaScript, a page says why."""

from __future__ import annotations

import pytest

from palabre.components.selection.models import Vote
from palabre.components.selection.tests.conftest import proposals

from . import seed, seed_consultation, seed_selection

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REFUSED = "Vous avez voté de nombreuses fois en peu de temps"

# Every test stops the limiter's clock (the ``clock`` fixture) at the start of a period: with
# the real clock, votes that straddle the end of a minute fall in two periods and pass.


def _text(locator) -> str:
    return " ".join(locator.inner_text().replace("\xa0", " ").replace("\u202f", " ").split())


def test_selection_refusal_is_shown_in_the_vote_zone(page, log_in, settings, clock):
    settings.VOTE_RATE_LIMIT = (2, 60)
    selection = seed_selection.selection(vote_type="simple", votes_max=3)
    camille = seed.participant()
    p1, p2, p3, *_ = proposals(selection)
    log_in(page, camille)
    page.goto(selection.step.get_absolute_url())
    page.wait_for_load_state("networkidle")  # htmx (deferred) is in place
    for proposal in (p1, p2):
        page.locator(f"#vote-button-{proposal.pk}").click()
        page.wait_for_selector(f"#vote-{proposal.pk}.vote-zone--voted")
    url = page.url
    page.locator(f"#vote-button-{p3.pk}").click()
    page.wait_for_selector("#vote-status .vote-status__error")
    assert REFUSED in _text(page.locator("#vote-status"))
    assert REFUSED in _text(page.locator(f"#vote-{p3.pk}"))  # in the zone of the button pressed
    assert page.url == url  # the same page, not an error page
    assert _text(page.locator("#ballot-counter")).startswith("1 vote restant")
    assert set(Vote.objects.values_list("proposal_id", flat=True)) == {p1.pk, p2.pk}


def test_consultation_refusal_is_shown_in_the_vote_widget(page, log_in, settings, clock):
    settings.VOTE_RATE_LIMIT = (1, 60)
    bill = seed_consultation.bill_consultation()
    camille = seed.participant()
    log_in(page, camille)
    page.goto(bill.article.get_absolute_url())
    page.wait_for_load_state("networkidle")  # vote.js (deferred) is in place
    page.locator("#vote .vote-button--ok").click()
    page.wait_for_selector("#vote .vote-button--ok[aria-pressed=true]")
    url = page.url
    page.locator("#vote .vote-button--nok").click()
    page.wait_for_function(
        "(text) => document.querySelector('#vote [data-vote-status]').textContent.includes(text)",
        arg=REFUSED,
    )
    assert page.url == url
    assert page.locator("#vote .vote-button--ok").get_attribute("aria-pressed") == "true"
    assert page.locator("#vote").get_attribute("aria-busy") is None


def test_without_javascript_a_page_says_why(browser, live_server, log_in, settings, clock):
    settings.VOTE_RATE_LIMIT = (1, 60)
    selection = seed_selection.selection(vote_type="simple", votes_max=3)
    camille = seed.participant()
    p1, p2, *_ = proposals(selection)
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", java_script_enabled=False
    )
    try:
        page = context.new_page()
        log_in(page, camille)
        page.goto(selection.step.get_absolute_url())
        page.locator(f"#vote-button-{p1.pk}").click()
        page.wait_for_load_state()
        page.locator(f"#vote-button-{p2.pk}").click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == "Trop de requêtes"
        assert REFUSED in _text(page.get_by_role("alert"))
        page.get_by_role("link", name="Revenir à la page précédente").click()
        page.wait_for_load_state()
        assert page.locator(f"#vote-button-{p2.pk}").is_visible()  # back on the list
    finally:
        context.close()
