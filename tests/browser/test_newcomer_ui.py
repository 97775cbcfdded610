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
from django.utils.formats import date_format, time_format

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
    ends_at = timezone.localtime(selection.step.ends_at)
    closes = f"le {date_format(ends_at, 'DATE_FORMAT')} à {time_format(ends_at, 'TIME_FORMAT')}"
    assert re.search(r" [a-zéû]{4,} 20\d\d à ", closes), f"the date is written in words: {closes}"
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
    at = timezone.localtime(selection.results_at)
    when = f"{date_format(at, 'DATE_FORMAT')} à {time_format(at, 'TIME_FORMAT')}"
    assert f"Les résultats seront publiés le {when}.".replace("\xa0", " ") in _text(
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


def test_without_javascript_the_ballot_panel_never_covers_the_focus(browser, live_server, log_in):
    """No script to measure the bar: the stylesheet's fallback space is enough for it."""
    n = 16
    selection = seed_selection.selection(
        n=n, vote_type="budget", budget=60_000, votes_min=2, costs=[2_000] * n
    )
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", viewport=DESKTOP, java_script_enabled=False
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        log_in(page, seed.participant())
        first = proposals(selection)[0]
        page.goto(selection.step.get_absolute_url())
        page.locator(f"#vote-button-{first.pk}").focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.locator(f"#vote-{first.pk}.vote-zone--voted").count() == 1
        stops = _tab_through_vote_buttons(page, n) + _tab_through_vote_buttons(page, n, back=True)
        hidden = [s for s in stops if s["page"] and (s["overlap"] or not s["inView"])]
        assert not hidden, [(h["id"] or h["text"], h["focus"], h["panel"]) for h in hidden]
    finally:
        context.close()


# --- The collect map: pins clustered, district labels apart ------------------------------------

DISTRICT_NAMES = [
    "Centre-ville historique",
    "Les Coteaux-Saint-Martin",
    "Quartier de la Gare",
    "Bords de Loire",
    "Faubourg Saint-Jacques",
    "Les Jardins ouvriers",
]

MARKERS = """() => Array.from(document.querySelectorAll('#proposal-map .leaflet-marker-icon'))
  .filter((el) => el.offsetParent !== null)
  .map((el) => {
    const r = el.getBoundingClientRect();
    return {cluster: el.classList.contains('collect-cluster'), count: Number(el.dataset.count || 1),
            name: el.getAttribute('aria-label') || el.title || '', tabindex: el.tabIndex,
            box: [r.left, r.top, r.right, r.bottom]};
  })"""

LABELS = """() => Array.from(document.querySelectorAll('#proposal-map .collect-district-label'))
  .map((el) => {
    const r = el.getBoundingClientRect();
    const shown = getComputedStyle(el).visibility !== 'hidden' && r.width > 0;
    return {text: el.textContent, shown: shown, box: [r.left, r.top, r.right, r.bottom]};
  })"""


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _crowded_map(n: int = 234):
    """A city's call for projects: ``n`` pinned proposals in six small neighbouring districts."""
    from palabre.components.collect.models import Proposal

    from . import seed_collect

    content = seed_collect.budget(proposals=1)
    lat0, lng0, dlat, dlng = 46.19, 2.88, 0.012, 0.016
    districts = []
    for i, name in enumerate(DISTRICT_NAMES):
        row, col = divmod(i, 3)
        south, west = lat0 + row * dlat, lng0 + col * dlng
        ring = [
            [west, south],
            [west + dlng, south],
            [west + dlng, south + dlat],
            [west, south + dlat],
            [west, south],
        ]
        district = (content.districts + [None] * 6)[i]
        if district is None:
            from palabre.core.models import District

            district = District.objects.create(name=name, slug=f"d{i}", position=10 + i)
        district.name = name
        district.geojson = {"type": "Polygon", "coordinates": [ring]}
        district.save()
        districts.append(district)
    now = timezone.now()
    Proposal.objects.bulk_create(
        Proposal(
            collect=content.collect,
            number=100 + i,
            reference=f"BP-2027-{100 + i:04d}",
            title=f"Proposition de quartier n° {i + 1}",
            district=districts[i % 6],
            # A dense, deterministic cloud over the six districts.
            latitude=lat0 + 0.024 * ((i * 37) % 101) / 101,
            longitude=lng0 + 0.048 * ((i * 61) % 103) / 103,
            published=True,
            published_at=now,
        )
        for i in range(n - 1)
    )
    seed._clear_caches()
    return content


def test_map_clusters_its_pins_and_keeps_district_labels_apart(page):
    content = _crowded_map()
    errors = _console_errors(page)
    page.goto(f"{content.step.get_absolute_url()}proposals/map/")
    page.wait_for_selector("#proposal-map[data-loaded='234']")
    page.wait_for_load_state("networkidle")
    # The names placed once the zoom and the groups' animation are over (map.js says so).
    page.wait_for_selector("#proposal-map[data-labels-placed]")
    screenshot(page, "newcomer-map-clustered")

    markers = page.evaluate(MARKERS)
    clusters = [m for m in markers if m["cluster"]]
    assert 0 < len(markers) <= 60, f"{len(markers)} markers drawn for 234 pins"
    assert clusters, "pins close together are grouped"
    assert sum(m["count"] for m in markers) == 234, "every proposal is in one marker"
    for cluster in clusters:  # a keyboard and screen-reader user can use a group
        assert cluster["tabindex"] == 0
        assert re.fullmatch(r"\d+ propositions ici : .+", cluster["name"]), cluster["name"]
    piled = [
        (a, b)
        for i, a in enumerate(markers)
        for b in markers[i + 1 :]
        if _overlap(a["box"], b["box"])
    ]
    assert len(piled) <= len(markers) // 10, piled[:5]

    labels = page.evaluate(LABELS)
    assert sorted(label["text"] for label in labels) == sorted(DISTRICT_NAMES)
    shown = [label for label in labels if label["shown"]]
    assert shown, "at least one district is named"
    clashes = [
        (a["text"], b["text"])
        for i, a in enumerate(shown)
        for b in shown[i + 1 :]
        if _overlap(a["box"], b["box"])
    ]
    assert not clashes, clashes
    covered = [
        label["text"] for label in shown for m in markers if _overlap(label["box"], m["box"])
    ]
    assert not covered, f"names under pins: {covered}"

    # A group opens with the keyboard: Enter zooms in on it.
    zoom = page.evaluate("() => document.querySelector('#proposal-map').dataset.zoomLevel")
    page.locator("#proposal-map .collect-cluster").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(
        "(z) => document.querySelector('#proposal-map').dataset.zoomLevel !== z", arg=zoom
    )
    page.wait_for_selector("#proposal-map[data-labels-placed]")
    assert page.evaluate("() => document.activeElement.id") == "proposal-map", "focus kept"
    labels = [label for label in page.evaluate(LABELS) if label["shown"]]
    markers = page.evaluate(MARKERS)
    assert not [
        (a["text"], b["text"])
        for i, a in enumerate(labels)
        for b in labels[i + 1 :]
        if _overlap(a["box"], b["box"])
    ]
    assert not [
        (a["text"], b["name"]) for a in labels for b in markers if _overlap(a["box"], b["box"])
    ]
    screenshot(page, "newcomer-map-zoomed")
    assert not axe.violations(page), axe.describe("map", axe.violations(page))
    assert errors == [], errors
