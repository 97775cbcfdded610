"""What a newcomer stumbled on in the browser, on the participant side (issue 13, point 6).

- The sticky « Votre bulletin » panel of a vote must never cover the button that has the
  keyboard focus (WCAG 2.2 SC 2.4.11, focus not obscured).
- The « Résultats » tab of an open vote answers 200 with the explanation and the date the
  results come, so the browser logs no error.
- The collect map clusters its pins and does not let district labels overlap.

Each journey is checked with axe (WCAG 2.1 A/AA) and screenshotted for a human eye.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from palabre.components.selection.tests.conftest import proposals

from ..conftest import DESKTOP, MOBILE, screenshot
from . import axe, seed, seed_selection

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _url(selection, name, *args):
    step = selection.step
    return reverse(f"selection:{name}", args=[step.project.slug, step.slug, *args])


def _text(locator) -> str:
    return " ".join(locator.inner_text().replace("\xa0", " ").replace("\u202f", " ").split())


def _console_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    return errors


# --- « Résultats » of an open vote ------------------------------------------------------------


@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "participant"])
def test_results_tab_of_an_open_vote_explains_when_results_come(page, log_in, logged_in):
    selection = seed_selection.selection(vote_type="simple", votes_max=3)
    if logged_in:
        log_in(page, seed.participant())
    errors = _console_errors(page)
    page.goto(selection.step.get_absolute_url())
    page.wait_for_load_state("networkidle")
    with page.expect_response(re.compile(r"results/$")) as answer:
        page.locator(".selection-nav").get_by_role("link", name="Résultats").click()
    page.wait_for_load_state("networkidle")
    assert answer.value.status == 200
    assert errors == [], errors
    closes = date_format(timezone.localtime(selection.step.ends_at), "DATETIME_FORMAT")
    assert re.search(r"[a-zéû]{3,}", closes), f"the date is written in words: {closes}"
    explanation = _text(page.locator(".results-pending"))
    assert "Les résultats seront publiés à la fin du vote" in explanation
    assert closes.replace("\xa0", " ") in explanation, explanation
    assert page.locator(".results-table").count() == 0, "no result before the end"
    assert page.locator(".selection-nav [aria-current=page]").inner_text() == "Résultats"
    assert not axe.violations(page), axe.describe("results", axe.violations(page))
    screenshot(page, f"newcomer-results-pending-{'participant' if logged_in else 'anonymous'}")


def test_results_published_at_a_date_say_that_date_in_words(page):
    from datetime import timedelta

    selection = seed_selection.selection(
        vote_type="simple",
        results_visibility="date",
        results_at=timezone.now() + timedelta(days=8),
    )
    response = page.goto(_url(selection, "results"))
    assert response is not None and response.status == 200
    when = date_format(timezone.localtime(selection.results_at), "DATETIME_FORMAT")
    assert f"Les résultats seront publiés le {when}".replace("\xa0", " ") in _text(
        page.locator(".results-pending")
    )


# --- The sticky « Votre bulletin » panel never hides the focus ----------------------------------

OBSCURED = """() => {
  const el = document.activeElement;
  const panel = document.querySelector('.ballot-box');
  const a = el.getBoundingClientRect();
  const b = panel.getBoundingClientRect();
  const overlap = a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  return {id: el.id, tag: el.tagName, text: (el.innerText || '').trim().slice(0, 40),
          page: el !== document.body && !panel.contains(el), overlap: overlap,
          inView: a.top >= -1 && a.bottom <= window.innerHeight + 1,
          focus: [a.top, a.bottom], panel: [b.top, b.bottom]};
}"""


def _tab_through_vote_buttons(page, count: int, *, back: bool = False) -> list[dict]:
    """Tab (or Shift+Tab) until ``count`` vote buttons have had the focus; each stop's boxes."""
    seen, stops = set(), []
    for _ in range(count * 12):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        stop = page.evaluate(OBSCURED)
        stops.append(stop)
        if stop["id"].startswith("vote-button-"):
            seen.add(stop["id"])
            if len(seen) == count:
                return stops
    raise AssertionError(f"reached only {len(seen)} of {count} vote buttons")


@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["desktop", "mobile"])
def test_the_ballot_panel_never_covers_the_focused_button(new_page, log_in, viewport):
    n = 24
    selection = seed_selection.selection(
        n=n, vote_type="budget", budget=60_000, votes_min=2, costs=[2_000] * n
    )
    page = new_page(viewport=viewport)
    errors = _console_errors(page)
    log_in(page, seed.participant())
    page.goto(selection.step.get_absolute_url())
    page.wait_for_load_state("networkidle")
    # A vote, so the panel shows its status line too (its tallest state).
    first = proposals(selection)[0]
    page.locator(f"#vote-button-{first.pk}").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#vote-{first.pk}.vote-zone--voted")
    page.wait_for_selector("#vote-status .vote-status__ok")
    page.evaluate("() => { document.activeElement.blur(); window.scrollTo(0, 0); }")
    panel = page.locator(".ballot-box").bounding_box()
    screenshot(page, f"newcomer-ballot-panel-top-{viewport['width']}", full_page=False)

    down = _tab_through_vote_buttons(page, n)
    page.mouse.wheel(0, 0)
    screenshot(page, f"newcomer-ballot-panel-bottom-{viewport['width']}", full_page=False)
    up = _tab_through_vote_buttons(page, n, back=True)
    screenshot(page, f"newcomer-ballot-panel-back-{viewport['width']}", full_page=False)
    hidden = [s for s in down + up if s["page"] and (s["overlap"] or not s["inView"])]
    assert not hidden, (panel, len(hidden), [(h["id"], h["focus"], h["panel"]) for h in hidden])
    # The panel says what remains at a glance and still opens to the whole ballot.
    counter = page.locator("#ballot-counter")
    assert counter.is_visible() and "restants sur" in _text(counter)
    assert not axe.violations(page), axe.describe("list", axe.violations(page))
    assert errors == [], errors  # the CSP let everything run
