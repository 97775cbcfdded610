"""The selection step in a real browser: voting on proposals with the keyboard alone.

Journeys: a participant votes until the limit, the next vote is refused with the reason, they
take one vote back and give it to another proposal, with htmx (no reload, the focus stays on
the button, the counter is announced) and without JavaScript (plain forms); a budget ballot
shows what remains; a ranked ballot is reordered with the keyboard. Then axe (WCAG 2.1 A/AA)
on the ballot, « Mes votes » and results pages, and screenshots for a human eye.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from palabre.components.selection import services
from palabre.components.selection.models import Vote
from palabre.components.selection.tests.conftest import close, proposals

from ..conftest import DESKTOP, MOBILE, screenshot
from . import axe, seed, seed_selection

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUSED = """() => {
  const el = document.activeElement;
  const s = getComputedStyle(el);
  return {id: el.id, text: (el.innerText || '').trim().slice(0, 80),
          outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0};
}"""


def _press_tab_to(page, selector: str, *, back: bool = False, limit: int = 80) -> list[dict]:
    stops = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        stops.append(page.evaluate(FOCUSED))
        if page.evaluate("(sel) => document.activeElement.matches(sel)", selector):
            return stops
    raise AssertionError(f"Tab never reached {selector}: {[s['id'] or s['text'] for s in stops]}")


def _text(locator) -> str:
    return " ".join(locator.inner_text().replace("\xa0", " ").replace("\u202f", " ").split())


def _url(selection, name, *args):
    step = selection.step
    return reverse(f"selection:{name}", args=[step.project.slug, step.slug, *args])


def test_keyboard_votes_until_the_limit_then_changes_one(page, log_in):
    selection = seed_selection.selection(vote_type="simple", votes_max=3)
    camille = seed.participant()
    p1, p2, p3, p4, _p5 = proposals(selection)
    log_in(page, camille)
    page.goto(selection.step.get_absolute_url())
    page.wait_for_load_state("networkidle")  # htmx (deferred) is in place
    counter = page.locator("#ballot-counter")
    status = page.locator("#vote-status")
    assert _text(counter) == "3 votes restants sur 3"

    for done, proposal in enumerate((p1, p2, p3), start=1):
        stops = _press_tab_to(page, f"#vote-button-{proposal.pk}")
        assert all(s["outline"] for s in stops), [s for s in stops if not s["outline"]]
        page.keyboard.press("Enter")
        page.wait_for_selector(f"#vote-{proposal.pk}.vote-zone--voted")
        focused = page.evaluate(FOCUSED)
        assert focused["id"] == f"vote-button-{proposal.pk}", "the focus stays on the button"
        assert focused["text"].startswith("Retirer mon vote")
        assert "Votre vote est enregistré." in _text(status)
        remaining = 3 - done
        expected = f"{remaining} vote{'' if remaining == 1 else 's'} restant"
        assert _text(counter).startswith(expected), _text(counter)

    # The fourth is refused, with the reason, and nothing changes.
    _press_tab_to(page, f"#vote-button-{p4.pk}")
    page.keyboard.press("Enter")
    page.wait_for_selector("#vote-status .vote-status__error")
    assert _text(status).startswith("⚠") or "Limite atteinte" in _text(status)
    assert "Limite atteinte : vous avez déjà donné vos 3 votes" in _text(status)
    assert page.locator(f"#vote-{p4.pk}.vote-zone--voted").count() == 0

    # Take the first back (Shift+Tab up the page), give it to the fourth.
    _press_tab_to(page, f"#vote-button-{p1.pk}", back=True)
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#vote-{p1.pk}:not(.vote-zone--voted)")
    assert "Votre vote est retiré." in _text(status)
    assert _text(counter).startswith("1 vote restant sur 3")
    _press_tab_to(page, f"#vote-button-{p4.pk}")
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#vote-{p4.pk}.vote-zone--voted")
    assert set(Vote.objects.values_list("proposal_id", flat=True)) == {p2.pk, p3.pk, p4.pk}
    # What the server renders agrees with what htmx showed.
    page.reload()
    assert page.locator(".vote-zone--voted").count() == 3
    screenshot(page, "selection-list-voted")


def test_without_javascript_the_same_journey_works(browser, live_server, log_in):
    selection = seed_selection.selection(vote_type="simple", votes_max=2)
    camille = seed.participant()
    p1, p2, p3, *_ = proposals(selection)
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", viewport=DESKTOP, java_script_enabled=False
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        log_in(page, camille)
        page.goto(selection.step.get_absolute_url())
        for proposal in (p1, p2, p3):
            _press_tab_to(page, f"#vote-button-{proposal.pk}")
            with page.expect_navigation():
                page.keyboard.press("Enter")
        messages = _text(page.locator(".messages"))
        assert messages.startswith("Limite atteinte : vous avez déjà donné vos 2 votes")
        assert page.url.endswith(f"#proposal-{p3.pk}")
        assert _text(page.locator("#ballot-counter")).startswith("0 vote")
        _press_tab_to(page, f"#vote-button-{p1.pk}", back=True)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "Votre vote est retiré." in _text(page.locator(".messages"))
        _press_tab_to(page, f"#vote-button-{p3.pk}")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert set(Vote.objects.values_list("proposal_id", flat=True)) == {p2.pk, p3.pk}
    finally:
        context.close()


def test_budget_ballot_shows_what_remains(page, log_in):
    selection = seed_selection.selection(
        vote_type="budget", budget=50_000, costs=[37_600, 20_000, 9_000, 5_000, 3_000]
    )
    camille = seed.participant()
    p1, p2, *_ = proposals(selection)
    log_in(page, camille)
    page.goto(selection.step.get_absolute_url())
    page.wait_for_load_state("networkidle")
    counter = page.locator("#ballot-counter")
    assert _text(counter) == "50 000 € restants sur 50 000 €"
    page.locator(f"#vote-button-{p1.pk}").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#vote-{p1.pk}.vote-zone--voted")
    assert _text(counter) == "12 400 € restants sur 50 000 €"
    page.locator(f"#vote-button-{p2.pk}").focus()
    page.keyboard.press("Space")
    page.wait_for_selector("#vote-status .vote-status__error")
    assert "Budget dépassé : cette proposition coûte 20 000 € et il vous reste 12 400 €" in _text(
        page.locator("#vote-status")
    )
    screenshot(page, "selection-budget-list")
    page.goto(_url(selection, "ballot"))
    assert _text(page.locator("#ballot-counter")) == "12 400 € restants sur 50 000 €"
    assert "37 600 €" in _text(page.locator("#ballot-list"))
    screenshot(page, "selection-budget-my-votes")


def test_ranked_ballot_reordered_with_the_keyboard(page, log_in):
    selection = seed_selection.selection(vote_type="ranked", votes_max=3)
    camille = seed.participant()
    p1, p2, p3, *_ = proposals(selection)
    for p in (p1, p2, p3):
        services.vote_cast(user=camille, selection=selection, proposal_id=p.pk)
    log_in(page, camille)
    page.goto(_url(selection, "ballot"))
    page.wait_for_load_state("networkidle")
    _press_tab_to(page, f"#move-up-{p3.pk}")
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#ballot-list li:nth-child(2)#vote-{p3.pk}")
    assert page.evaluate(FOCUSED)["id"] == f"move-up-{p3.pk}", "the focus follows the item"
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#ballot-list li:nth-child(1)#vote-{p3.pk}")
    assert list(Vote.objects.order_by("rank").values_list("proposal_id", flat=True)) == [
        p3.pk,
        p1.pk,
        p2.pk,
    ]
    assert "Classement modifié." in _text(page.locator("#vote-status"))
    screenshot(page, "selection-ranked-my-votes")


@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["desktop", "mobile"])
def test_axe_finds_no_violation_on_the_selection_pages(new_page, log_in, viewport):
    selection = seed_selection.selection(
        vote_type="budget",
        budget=1_000_000,
        votes_max=5,
        costs=[148_000, 38_000, 9_600, 135_000, 16_800],
        threshold=2,
        anonymous_allowed=True,
        rules="Un seul bulletin par personne.",
    )
    camille = seed.participant()
    voters = [camille, *(seed.participant(f"v{i}", f"v{i}@example.org") for i in range(3))]
    services.ballot_requirements_fill(user=camille, selection=selection, accept_rules=True)
    for i, voter in enumerate(voters):
        if voter != camille:
            services.ballot_requirements_fill(user=voter, selection=selection, accept_rules=True)
        for p in proposals(selection)[i % 2 : i % 2 + 3]:
            services.vote_cast(user=voter, selection=selection, proposal_id=p.pk)
    page = new_page(viewport=viewport)
    log_in(page, camille)
    name = "desktop" if viewport == DESKTOP else "mobile"
    pages = {
        "ballot": selection.step.get_absolute_url(),
        "proposal": _url(selection, "proposal", proposals(selection)[0].pk),
        "my-votes": _url(selection, "ballot"),
        "account-votes": reverse("selection_my_votes"),
    }
    found = []
    for label, path in pages.items():
        page.goto(path)
        page.wait_for_load_state("networkidle")
        assert axe.is_styled(page)
        found += [(label, v) for v in axe.violations(page)]
        screenshot(page, f"selection-{label}-{name}")
    close(selection)
    page.goto(_url(selection, "results"))
    assert "Financé" in page.content()
    found += [("results", v) for v in axe.violations(page)]
    screenshot(page, f"selection-results-{name}")
    assert not found, "\n".join(axe.describe(label, [v]) for label, v in found)
