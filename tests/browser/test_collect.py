"""The collect step in a real browser: a participant writes a long proposal without losing it.

Journey: a long form filled in; a header link clicked by mistake asks first (an in-page dialog,
"Rester" keeps everything); the draft is saved automatically and restored after a reload; a
file of a refused type gets a clear error while the rest stays filled; the proposal is
submitted with the keyboard alone and shows on the list and the map. Then axe (WCAG 2.1 A/AA)
on the list, the map, the proposal page and the form, and screenshots for a human eye.
"""

from __future__ import annotations

import re

import pytest

from palabre.components.collect.models import Draft, Proposal

from ..conftest import screenshot
from . import axe, seed, seed_collect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def budget():
    return seed_collect.budget()


def _fill(page, content):
    q = content.questions
    page.get_by_label(re.compile("^Titre")).fill("Une forêt de poche rue des Écoles")
    page.get_by_label(re.compile("^Résumé")).fill("Planter 600 arbres sur 200 m² de bitume.")
    page.get_by_label(re.compile("^Description")).fill(
        "Une micro-forêt dense devant l'école.\n\nElle rafraîchit la rue en été."
    )
    page.get_by_label(re.compile("^Thème")).select_option(label="Environnement")
    page.get_by_label(re.compile("^Quartier")).select_option(label="Les Coteaux")
    page.get_by_label(re.compile("^Adresse ou lieu")).fill("12 rue des Écoles")
    page.get_by_label("Latitude").fill("46.2051")
    page.get_by_label("Longitude").fill("2.9102")
    page.get_by_label(re.compile("^Coût estimé")).fill("45000")
    page.get_by_label(re.compile("^Porteur du projet")).fill("Les parents d'élèves")
    page.get_by_label(re.compile("^Pourquoi ce projet")).fill("Il fait 40 °C dans la cour.")
    page.get_by_role("group", name=re.compile("Public visé")).get_by_label("Enfants").check()
    seasons = page.get_by_role("group", name=re.compile("Saisons d'usage"))
    seasons.get_by_label("Printemps").check()
    seasons.get_by_label("Été").check()
    page.get_by_label(re.compile("^J'accepte")).check()
    assert q["agree"]


def _values(page) -> dict:
    return {
        "title": page.get_by_label(re.compile("^Titre")).input_value(),
        "summary": page.get_by_label(re.compile("^Résumé")).input_value(),
        "body": page.get_by_label(re.compile("^Description")).input_value(),
        "theme": page.locator("#id_theme option:checked").inner_text(),
        "district": page.locator("#id_district option:checked").inner_text(),
        "address": page.get_by_label(re.compile("^Adresse ou lieu")).input_value(),
        "lat": page.get_by_label("Latitude").input_value(),
        "cost": page.get_by_label(re.compile("^Coût estimé")).input_value(),
        "carrier": page.get_by_label(re.compile("^Porteur du projet")).input_value(),
        "why": page.get_by_label(re.compile("^Pourquoi ce projet")).input_value(),
        "public": page.get_by_label("Enfants").is_checked(),
        "seasons": [
            page.get_by_label("Printemps").is_checked(),
            page.get_by_label("Été").is_checked(),
            page.get_by_label("Hiver").is_checked(),
        ],
        "agree": page.get_by_label(re.compile("^J'accepte")).is_checked(),
    }


EXPECTED = {
    "title": "Une forêt de poche rue des Écoles",
    "summary": "Planter 600 arbres sur 200 m² de bitume.",
    "body": "Une micro-forêt dense devant l'école.\n\nElle rafraîchit la rue en été.",
    "theme": "Environnement",
    "district": "Les Coteaux",
    "address": "12 rue des Écoles",
    "lat": "46.2051",
    "cost": "45000",
    "carrier": "Les parents d'élèves",
    "why": "Il fait 40 °C dans la cour.",
    "public": True,
    "seasons": [True, True, False],
    "agree": True,
}


def test_participant_writes_a_long_proposal_without_losing_anything(budget, page, log_in, tmp_path):
    camille = seed.participant()
    log_in(page, camille)
    form_url = f"{budget.step.get_absolute_url()}proposals/new/"
    page.goto(form_url)
    page.wait_for_load_state("networkidle")
    _fill(page, budget)
    assert _values(page) == EXPECTED

    # A header link clicked by mistake: the in-page confirmation, focus on "Rester".
    page.locator(".main-nav").get_by_role("link", name="Projets").click()
    dialog = page.get_by_role("dialog", name="Quitter la page ?")
    assert dialog.is_visible()
    assert "vos dernières modifications" in dialog.inner_text()
    focused = page.evaluate("() => document.activeElement.textContent")
    assert focused == "Rester"
    page.keyboard.press("Enter")
    assert not dialog.is_visible()
    assert page.url.endswith(form_url), "still on the form"
    assert _values(page) == EXPECTED, "cancelling keeps every field"
    # Escape stays too, and the focus goes back to the link.
    page.locator(".main-nav").get_by_role("link", name="Projets").click()
    assert dialog.is_visible()
    page.keyboard.press("Escape")
    assert not dialog.is_visible()
    assert page.evaluate("() => document.activeElement.textContent") == "Projets"

    # The draft is saved automatically; a reload (the browser asks first) restores it.
    page.get_by_text("Brouillon enregistré automatiquement").wait_for(timeout=10_000)
    draft = Draft.objects.get(author=camille)
    assert draft.data["title"] == EXPECTED["title"]
    prompts = []

    def accept(dialog):
        prompts.append(dialog.type)
        dialog.accept()

    page.on("dialog", accept)
    page.reload()
    page.wait_for_load_state("networkidle")
    assert prompts == ["beforeunload"], "leaving with unsaved changes asks first"
    assert "a été restauré" in page.locator(".draft-restored").inner_text()
    assert _values(page) == EXPECTED, "the draft is restored"

    # A file of a refused type: a clear error, everything else still filled.
    bad = tmp_path / "programme.exe"
    bad.write_bytes(b"MZ\x90\x00")
    page.get_by_label(re.compile("^Pièces jointes")).set_input_files(str(bad))
    page.get_by_role("button", name="Déposer ma proposition").click()
    page.wait_for_load_state()
    assert page.title().startswith("Erreur")
    errors = page.locator("#id_attachments_error").inner_text()
    assert "programme.exe" in errors and ".exe refusé" in errors and "PDF" in errors
    assert "Pièces jointes" in page.locator("#error-summary").inner_text()
    assert _values(page) == EXPECTED, "the rest of the form stays filled"
    assert not Proposal.objects.filter(author=camille).exists()
    attachments = page.get_by_label(re.compile("^Pièces jointes"))
    assert attachments.get_attribute("aria-invalid") == "true"
    assert "id_attachments_error" in attachments.get_attribute("aria-describedby")

    # Submitting with the keyboard alone: Tab from the last question to the button, Enter.
    good = tmp_path / "plan.pdf"
    good.write_bytes(b"%PDF-1.4\n% plan du projet\n")
    attachments.set_input_files(str(good))
    page.get_by_label(re.compile("^J'accepte")).focus()
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.textContent.trim()") == (
            "Déposer ma proposition"
        ):
            break
    else:
        raise AssertionError("Tab never reached the submit button")
    prompts.clear()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert prompts == [], "submitting does not ask"
    proposal = Proposal.objects.get(author=camille)
    assert page.url.endswith(proposal.get_absolute_url())
    assert page.get_by_role("heading", level=2, name=EXPECTED["title"]).is_visible()
    assert proposal.reference in page.locator(".proposal__ref").inner_text()
    assert "plan.pdf" in page.locator(".file-list").inner_text()
    assert proposal.answers[str(budget.questions["seasons"].pk)] == ["Printemps", "Été"]
    assert not Draft.objects.filter(author=camille).exists()

    # On the list, and on the map.
    page.goto(budget.step.get_absolute_url())
    card = page.locator(".proposal-card").filter(has_text=EXPECTED["title"])
    assert card.count() == 1 and proposal.reference in card.inner_text()
    page.get_by_role("link", name="Carte", exact=True).click()
    page.wait_for_selector("#proposal-map[data-loaded='4']")
    page.wait_for_selector(".collect-pin, .collect-cluster")
    # Pins close together are grouped: every proposal is a pin or counted in a group.
    counts = page.evaluate(
        """() => Array.from(document.querySelectorAll('.collect-pin, .collect-cluster'))
        .map((el) => Number(el.dataset.count || 1))"""
    )
    assert sum(counts) == 4, counts
    pin = page.locator(f".collect-pin[title*='{proposal.reference}']")
    for _ in range(6):  # a group opens with Enter, zooming in, until the pin shows
        if pin.count():
            break
        zoom = page.locator("#proposal-map").get_attribute("data-zoom-level")
        page.locator(".collect-cluster").first.focus()
        page.keyboard.press("Enter")
        page.wait_for_function(
            "(z) => document.querySelector('#proposal-map').dataset.zoomLevel !== z", arg=zoom
        )
    pin.focus()
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup")
    popup.wait_for()
    assert EXPECTED["title"] in popup.inner_text()
    with page.expect_navigation():
        popup.get_by_role("link").click()
    assert page.url.endswith(proposal.get_absolute_url())


def test_district_names_on_the_map_are_text_not_html(budget, page):
    district = budget.districts[0]
    district.name = '<b id="injected">Centre</b>'
    ring = [[2.89, 46.19], [2.92, 46.19], [2.92, 46.21], [2.89, 46.21], [2.89, 46.19]]
    district.geojson = {"type": "Polygon", "coordinates": [ring]}
    district.save()
    seed._clear_caches()
    page.goto(f"{budget.step.get_absolute_url()}proposals/map/")
    label = page.locator(".collect-district-label")
    label.wait_for()
    assert label.inner_text() == '<b id="injected">Centre</b>'
    assert page.locator("#injected").count() == 0


def test_leaving_an_untouched_form_does_not_ask(budget, page, log_in):
    log_in(page, seed.participant())
    page.goto(f"{budget.step.get_absolute_url()}proposals/new/")
    page.wait_for_load_state("networkidle")
    with page.expect_navigation():
        page.locator(".main-nav").get_by_role("link", name="Projets").click()
    assert page.url.endswith("/projects/")


def test_axe_collect_pages_and_screenshots(budget, page, log_in):
    step_url = budget.step.get_absolute_url()
    proposal = budget.proposals[0]
    found = []
    checked = []

    def check(label, path=None):
        if path is not None:
            response = page.goto(path)
            assert response is not None and response.status == 200, (label, path)
            page.wait_for_load_state("networkidle")
        assert axe.is_styled(page), label
        violations = axe.violations(page)
        checked.append(label)
        if violations:
            found.append(axe.describe(label, violations))

    check("list", step_url)
    screenshot(page, "collect-list")
    check("map", f"{step_url}proposals/map/")
    page.wait_for_selector(".collect-pin")
    check("map with pins")
    screenshot(page, "collect-map")
    check("proposal", proposal.get_absolute_url())
    screenshot(page, "collect-proposal")
    log_in(page, seed.participant())
    check("form", f"{step_url}proposals/new/")
    page.get_by_role("button", name="Déposer ma proposition").click()
    page.wait_for_load_state()
    check("form with errors")
    screenshot(page, "collect-form-errors")
    page.get_by_label(re.compile("^Titre")).fill("Un titre")
    page.locator(".main-nav").get_by_role("link", name="Projets").click()
    assert page.get_by_role("dialog").is_visible()
    check("leave dialog")
    screenshot(page, "collect-leave-dialog", full_page=False)
    check("proposal (participant)", proposal.get_absolute_url())
    check("my drafts", "/settings/drafts/")
    assert page.locator(".draft-item").count() == 1, "the refused submission kept a draft"
    assert len(checked) == 9
    assert not found, "axe found WCAG 2.1 AA violations:\n" + "\n".join(found)


def test_axe_collect_pages_in_english(budget, new_page):
    page = new_page(language="en")
    step_url = budget.step.get_absolute_url()
    found = []
    for label, path in (
        ("list", step_url),
        ("map", f"{step_url}proposals/map/"),
        ("proposal", budget.proposals[0].get_absolute_url()),
    ):
        response = page.goto(path)
        assert response is not None and response.status == 200, label
        page.wait_for_load_state("networkidle")
        assert page.locator("html").get_attribute("lang") == "en"
        violations = axe.violations(page)
        if violations:
            found.append(axe.describe(label, violations))
    assert page.get_by_role("heading", name="Share").is_visible()
    assert not found, "axe found WCAG 2.1 AA violations:\n" + "\n".join(found)
