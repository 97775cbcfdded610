"""The consultation step in a real browser: a bill debated article by article.

Journeys: a participant votes with the keyboard alone (with and without JavaScript), argues
against, amends and reads the word diff; a visitor reads everything and is invited to log in;
a participant reports an argument and a moderator hides it from the back office. Then axe
(WCAG 2.1 A/AA) on every consultation page, and screenshots for a human eye.
"""

from __future__ import annotations

import io
import re
from urllib.parse import quote

import pytest

from palabre.components.consultation import services
from palabre.components.consultation.models import Argument, OpinionVote, Version
from palabre.participation.models import Report

from ..conftest import DESKTOP, MOBILE, screenshot
from . import axe, seed, seed_consultation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUSED = """() => {
  const el = document.activeElement;
  const s = getComputedStyle(el);
  return {
    tag: el.tagName.toLowerCase(),
    cls: el.className || '',
    text: (el.innerText || '').trim().slice(0, 60),
    pressed: el.getAttribute('aria-pressed'),
    outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0,
  };
}"""


@pytest.fixture
def bill():
    return seed_consultation.bill_consultation()


def _tab_to(page, selector: str, *, limit: int = 60) -> list[dict]:
    """Press Tab until the focused element matches ``selector``; return the stops."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stops.append(page.evaluate(FOCUSED))
        if page.evaluate("(sel) => document.activeElement.matches(sel)", selector):
            return stops
    raise AssertionError(f"Tab never reached {selector}: {[s['text'] for s in stops]}")


def _figures(page) -> str:
    return " | ".join(page.locator("#vote .votebars__figures li").all_inner_texts())


def _pressed(page) -> list[str]:
    return page.locator("#vote .vote-button[aria-pressed=true]").all_inner_texts()


def _no_js_page(browser, live_server, log_in, user):
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", viewport=DESKTOP, java_script_enabled=False
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(page, user)
    return context, page


def test_participant_votes_with_the_keyboard_argues_and_amends(bill, page, log_in):
    camille = seed.participant()
    article = bill.article
    log_in(page, camille)
    page.goto(article.get_absolute_url())
    page.wait_for_load_state("networkidle")  # vote.js (deferred) is in place

    # Reading: the article, its figures in text, the debate.
    assert page.get_by_role("heading", level=2, name=article.title).is_visible()
    assert "conseillers numériques formés" in page.locator(".opinion__body").inner_text()
    assert _figures(page) == "D'accord : 2 (50 %) | Mitigé : 1 (25 %) | Pas d'accord : 1 (25 %)"
    assert _pressed(page) == []
    widget = page.get_by_role("region", name="Votre avis")
    group = widget.get_by_role("group", name="Votre vote")
    assert group.get_by_role("button").all_inner_texts() == ["D'accord", "Mitigé", "Pas d'accord"]

    # Keyboard only: Tab to "Mitigé", every stop on the way shows its focus; Enter votes.
    stops = _tab_to(page, "#vote .vote-button--mitigated")
    assert all(s["outline"] for s in stops), [s for s in stops if not s["outline"]]
    page.keyboard.press("Enter")
    page.wait_for_selector("#vote .vote-button--mitigated[aria-pressed=true]")
    assert _pressed(page) == ["Mitigé"]
    assert _figures(page) == "D'accord : 2 (40 %) | Mitigé : 2 (40 %) | Pas d'accord : 1 (20 %)"
    focused = page.evaluate(FOCUSED)
    assert focused["pressed"] == "true" and "vote-button--mitigated" in focused["cls"], (
        "the focus stays on the button just pressed"
    )
    status = page.locator("#vote [role=status]")
    assert "Votre vote est enregistré." in status.inner_text()
    assert "Mitigé : 2 (40 %)" in status.text_content(), "the new figures are announced"
    assert "Vous avez voté : Mitigé" in widget.inner_text()

    # Change one's mind: Shift+Tab back to "D'accord", Space.
    page.keyboard.press("Shift+Tab")
    assert "vote-button--ok" in page.evaluate(FOCUSED)["cls"]
    page.keyboard.press("Space")
    page.wait_for_selector("#vote .vote-button--ok[aria-pressed=true]")
    assert page.locator("#vote .vote-button--mitigated").get_attribute("aria-pressed") == "false"
    assert _figures(page) == "D'accord : 3 (60 %) | Mitigé : 1 (20 %) | Pas d'accord : 1 (20 %)"
    assert "vote-button--ok" in page.evaluate(FOCUSED)["cls"]
    assert OpinionVote.objects.get(opinion=article, user=camille).value == "ok"
    article.refresh_from_db()
    assert (article.votes_ok, article.votes_mitigated, article.votes_nok) == (3, 1, 1)
    # What the server renders agrees with what the script showed.
    page.reload()
    assert page.locator("#vote .vote-button--ok").get_attribute("aria-pressed") == "true"
    assert _figures(page).startswith("D'accord : 3 (60 %)")

    # An argument against: it lands in the "Contre" column.
    form = page.locator("form.form--inline-card")
    kind = form.get_by_role("group", name=re.compile("Votre argument est"))
    kind.get_by_role("radio", name="Contre").check()
    form.get_by_role("textbox", name=re.compile("^Argument")).fill(
        "Les mairies de quartier ferment à 17 h : les personnes qui travaillent n'en "
        "profiteront pas."
    )
    form.get_by_role("button", name="Publier l'argument").click()
    page.wait_for_url(re.compile(r"#argument-\d+$"))
    against = page.locator(".debate__column--against")
    assert against.get_by_role("heading", name="Contre (2)").is_visible()
    assert "ferment à 17 h" in against.inner_text()
    assert "ferment à 17 h" not in page.locator(".debate__column--for").inner_text()
    assert Argument.objects.get(author=camille).kind == "against"

    # Its author corrects it: "Modifier" next to it, the text prefilled, saved in place.
    mine = Argument.objects.get(author=camille)
    page.locator(f"#argument-{mine.pk}").get_by_role("link", name="Modifier cet argument").click()
    page.wait_for_url(f"**/arguments/{mine.pk}/edit/")
    field = page.get_by_role("textbox", name=re.compile("^Argument"))
    assert "ferment à 17 h :" in field.input_value()
    field.fill(field.input_value().replace("17 h :", "17 heures :"))
    page.get_by_role("button", name="Enregistrer la modification").click()
    page.wait_for_url(re.compile(rf"#argument-{mine.pk}$"))
    assert "Modification enregistrée." in page.locator(".messages").inner_text()
    assert "ferment à 17 heures :" in page.locator(f"#argument-{mine.pk}").inner_text()
    mine.refresh_from_db()
    assert "17 heures" in mine.body and mine.kind == "against"

    # An amendment, and its word-level diff.
    page.get_by_role("link", name="Proposer un amendement").click()
    page.wait_for_url(f"**{article.get_absolute_url()}versions/new/")
    body = page.get_by_label("Nouvelle rédaction")
    assert "conseillers numériques formés" in body.input_value(), "prefilled with the text"
    page.get_by_label("Titre de l'amendement").fill("Des agents municipaux plutôt")
    body.fill(body.input_value().replace("conseillers numériques", "agents municipaux"))
    page.get_by_label("Exposé des motifs").fill("Les agents connaissent déjà les démarches.")
    page.get_by_role("button", name="Publier").click()
    page.wait_for_url(re.compile(r"/versions/\d+/$"))
    version = Version.objects.get(author=camille)
    assert page.url.endswith(version.get_absolute_url())
    assert page.get_by_role("heading", level=2, name="Des agents municipaux plutôt").is_visible()
    # (The words may come as one change or one per word: either reads the same.)
    assert " ".join(page.locator(".diff del").all_inner_texts()) == "conseillers numériques"
    assert " ".join(page.locator(".diff ins").all_inner_texts()) == "agents municipaux"
    assert "assuré par des" in page.locator(".diff").inner_text()
    assert page.get_by_role("status").first.inner_text().startswith("Amendement publié")


def test_typed_amendment_and_argument_are_not_lost_by_a_misclick(bill, page, log_in):
    """DESIGN.md: leaving a form with unsaved text asks first (the consultation's forms too)."""
    log_in(page, seed.participant())
    article = bill.article
    page.goto(f"{article.get_absolute_url()}versions/new/")
    page.wait_for_load_state("networkidle")
    page.get_by_label("Titre de l'amendement").fill("Mon amendement soigné")
    page.locator(".main-nav").get_by_role("link", name="Projets").click()
    dialog = page.get_by_role("dialog", name="Quitter la page ?")
    assert dialog.is_visible()
    assert page.evaluate("() => document.activeElement.textContent") == "Rester"
    page.keyboard.press("Enter")
    assert not dialog.is_visible()
    assert page.get_by_label("Titre de l'amendement").input_value() == "Mon amendement soigné"

    # The argument typed under the article, too; an untouched page never asks.
    page.goto(article.get_absolute_url())
    page.wait_for_load_state("networkidle")
    page.locator(".main-nav").get_by_role("link", name="Projets").click()
    page.wait_for_url("**/projects/")
    page.goto(article.get_absolute_url())
    page.wait_for_load_state("networkidle")
    form = page.locator("form.form--inline-card")
    form.get_by_role("textbox", name=re.compile("^Argument")).fill("Un argument à garder")
    page.locator(".main-nav").get_by_role("link", name="Projets").click()
    assert page.get_by_role("dialog", name="Quitter la page ?").is_visible()


def test_vote_works_without_javascript(bill, browser, live_server, log_in):
    camille = seed.participant()
    context, page = _no_js_page(browser, live_server, log_in, camille)
    try:
        page.goto(bill.article.get_absolute_url())
        _tab_to(page, "#vote .vote-button--mitigated")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url.endswith(f"{bill.article.get_absolute_url()}#vote"), page.url
        assert page.locator(".messages").inner_text() == "Votre vote est enregistré."
        assert page.locator("#vote .vote-button--mitigated").get_attribute("aria-pressed") == (
            "true"
        )
        assert _figures(page).startswith("D'accord : 2 (40 %) | Mitigé : 2 (40 %)")
        # Back at #vote, the next Tab is the first vote button, not the top of the page.
        page.keyboard.press("Tab")
        assert "vote-button--ok" in page.evaluate(FOCUSED)["cls"]
        with page.expect_navigation():
            page.keyboard.press("Space")
        assert page.locator("#vote .vote-button--ok").get_attribute("aria-pressed") == "true"
        with page.expect_navigation():
            page.get_by_role("button", name="Retirer mon vote").click()
        assert _pressed(page) == []
        assert not OpinionVote.objects.filter(user=camille).exists()
    finally:
        context.close()


def test_visitor_reads_everything_and_is_invited_to_log_in(bill, page):
    camille = seed.participant()
    article = bill.article
    page.goto(bill.step.get_absolute_url())
    page.get_by_role("link", name=re.compile("Les articles du projet de loi")).click()
    page.get_by_role("link", name=article.title).click()
    page.wait_for_url(f"**{article.get_absolute_url()}")

    assert "conseillers numériques formés" in page.locator(".opinion__body").inner_text()
    assert _figures(page) == "D'accord : 2 (50 %) | Mitigé : 1 (25 %) | Pas d'accord : 1 (25 %)"
    assert "Le coût n'est pas chiffré" in page.locator(".debate__column--against").inner_text()
    assert "personnes âgées" in page.locator(".debate__column--for").inner_text()
    assert "Baromètre du numérique 2024" in page.locator(".sources").inner_text()
    assert page.get_by_role("link", name="Un accompagnement sans rendez-vous").is_visible()
    assert page.locator(".vote-button").count() == 0, "no vote button without an account"
    assert page.locator("form.form--inline-card").count() == 0
    assert page.get_by_role("link", name="Signaler").count() == 0

    login = page.get_by_role("link", name="Se connecter pour voter")
    expected = "/accounts/login/?next=" + quote(article.get_absolute_url() + "#vote", safe="/")
    assert login.get_attribute("href") == expected
    login.click()
    page.wait_for_url(f"**{expected}")
    page.locator("#id_login").fill(camille.email)
    page.locator("#id_password").fill(seed.PASSWORD)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(f"**{article.get_absolute_url()}#vote")
    assert page.locator("#vote .vote-button").count() == 3, "back on the article, ready to vote"


def test_moderator_hides_a_reported_argument(bill, page, new_page, log_in):
    camille = seed.participant()
    moderator = seed_consultation.moderator()
    argument = Argument.objects.get(opinion=bill.article, kind="against")
    log_in(page, camille)
    page.goto(bill.article.get_absolute_url())
    page.locator(f"#argument-{argument.pk}").get_by_role(
        "link", name="Signaler cet argument"
    ).click()
    page.wait_for_url(re.compile(r"/participation/report/"))
    assert "Le coût n'est pas chiffré" in page.locator(".quoted").inner_text()
    reasons = page.get_by_role("group", name=re.compile("Motif"))
    reasons.get_by_role("radio", name="Hors sujet").check()
    page.get_by_label("Précisions (facultatif)").fill("Ce n'est pas le sujet de l'article 2.")
    page.get_by_role("button", name="Envoyer le signalement").click()
    page.wait_for_url(f"**{bill.article.get_absolute_url()}")
    assert "signalement a été transmis" in page.locator(".messages").inner_text()
    report = Report.objects.get()
    assert (report.reason, report.reporter, report.target) == ("off_topic", camille, argument)

    # The moderator logs in to the back office and handles the report.
    admin = new_page()
    admin.goto("/admin/")
    # The back office's login form says "Nom d'utilisateur", but accounts log in by email
    # (ACCOUNT_LOGIN_METHODS = {"email"}): the username is refused there.
    admin.locator("#id_username").fill(moderator.email)
    admin.locator("#id_password").fill(seed.PASSWORD)
    admin.locator("#login-form [type=submit]").click()
    admin.get_by_role("link", name="Signalements").first.click()
    admin.wait_for_url("**/admin/participation/report/")
    row = admin.locator("#result_list tbody tr").filter(has_text="Hors sujet")
    assert row.count() == 1
    row.locator("th a").click()
    admin.wait_for_url(f"**/admin/participation/report/{report.pk}/change/")
    assert "Ce n'est pas le sujet" in admin.locator("body").inner_text()
    admin.locator("#id_decision").select_option("hide")
    admin.locator("#id_public_reason").fill("Propos hors sujet")
    admin.locator("input[name=_save]").click()
    admin.wait_for_url("**/admin/participation/report/")
    report.refresh_from_db()
    assert report.status == Report.Status.HIDDEN and report.handled_by == moderator

    # The public page shows the reason in place of the argument.
    visitor = new_page()
    visitor.goto(bill.article.get_absolute_url())
    item = visitor.locator(f"#argument-{argument.pk}")
    assert item.inner_text().strip() == "Contenu modéré : Propos hors sujet"
    assert visitor.locator(".debate__column--against").locator(item).count() == 1
    assert "Le coût n'est pas chiffré" not in visitor.locator("main").inner_text()


class _Axe:
    """Run axe on pages one after the other; collect the violations, fail once at the end."""

    def __init__(self):
        self.report: list[str] = []
        self.checked: list[str] = []

    def __call__(self, page, label: str, path: str | None = None) -> None:
        if path is not None:
            response = page.goto(path)
            assert response is not None and response.status == 200, (label, path)
        assert page.locator("html").get_attribute("lang") == "fr", label
        assert axe.is_styled(page), f"{label}: stylesheets did not load"
        found = axe.violations(page)
        self.checked.append(label)
        if found:
            self.report.append(axe.describe(f"{label} {page.url}", found))

    def assert_clean(self, count: int) -> None:
        assert len(self.checked) == count, self.checked
        assert not self.report, "axe found WCAG 2.1 AA violations:\n" + "\n".join(self.report)


def test_axe_public_consultation_pages(bill, page):
    version = Version.objects.get(opinion=bill.article)
    check = _Axe()
    check(page, "consultation", bill.step.get_absolute_url())
    check(page, "section of articles", bill.articles.get_absolute_url())
    check(page, "section of proposals", bill.proposals.get_absolute_url())
    check(page, "opinion (anonymous)", bill.article.get_absolute_url())
    check(page, "version with diff (anonymous)", version.get_absolute_url())
    page.get_by_text("Lire la nouvelle rédaction complète").click()
    assert page.locator(".diff-result").is_visible()
    check(page, "version with the full new text open")
    check.assert_clean(6)


def test_axe_participant_consultation_pages(bill, page, log_in):
    camille = seed.participant()
    version = Version.objects.get(opinion=bill.article)
    argument = Argument.objects.get(opinion=bill.article, kind="against")
    mine = services.argument_create(
        author=camille, parent=bill.article, kind="for", body="Un guichet de plus, enfin."
    )
    check = _Axe()
    log_in(page, camille)

    # The vote widget with its buttons, one pressed; the source form opened.
    page.goto(bill.article.get_absolute_url())
    page.wait_for_load_state("networkidle")
    page.locator("#vote .vote-button--nok").click()
    page.wait_for_selector("#vote .vote-button--nok[aria-pressed=true]")
    page.get_by_text("Ajouter une source").click()
    check(page, "opinion with vote widget (voted) and source form")
    check(page, "version with diff (logged in)", version.get_absolute_url())

    # Forms sent empty: the error summary, the page title, each field's message.
    page.goto(bill.proposals.get_absolute_url())
    page.get_by_role("link", name="Proposer", exact=True).click()
    page.get_by_role("button", name="Publier").click()
    page.wait_for_load_state()
    assert page.title().startswith("Erreur : Nouvelle proposition")
    assert page.locator("#error-summary li").all_inner_texts() == [
        "Titre : Ce champ est obligatoire.",
        "Texte : Ce champ est obligatoire.",
    ]
    title = page.get_by_role("textbox", name=re.compile("^Titre"))
    assert title.get_attribute("aria-invalid") == "true"
    # The help text says the title's limit; the error follows it.
    assert title.get_attribute("aria-describedby") == "id_title_helptext id_title_error"
    page.locator("#error-summary a").first.click()
    assert page.evaluate("document.activeElement.id") == "id_title"
    check(page, "new opinion with errors")
    screenshot(page, "consultation-new-opinion-errors")

    page.goto(f"{bill.article.get_absolute_url()}versions/new/")
    page.get_by_label("Nouvelle rédaction").fill("")
    page.get_by_role("button", name="Publier").click()
    page.wait_for_load_state()
    assert page.locator(".errorlist").count() == 2
    check(page, "new version with errors")

    # The edit page of one's argument, then sent empty.
    page.goto(bill.article.get_absolute_url())
    page.locator(f"#argument-{mine.pk}").get_by_role("link", name="Modifier cet argument").click()
    page.wait_for_url(f"**/arguments/{mine.pk}/edit/")
    check(page, "argument edit form")
    page.get_by_role("textbox", name=re.compile("^Argument")).fill("")
    page.get_by_role("button", name="Enregistrer la modification").click()
    page.wait_for_load_state()
    assert page.title().startswith("Erreur : Modifier votre argument")
    assert page.locator("#error-summary li").all_inner_texts() == [
        "Argument : Ce champ est obligatoire."
    ]
    check(page, "argument edit form with errors")

    # The report form, then sent without a reason.
    page.goto(bill.article.get_absolute_url())
    item = page.locator(f"#argument-{argument.pk}")
    item.get_by_role("link", name=re.compile("Signaler")).click()
    page.wait_for_url(re.compile(r"/participation/report/"))
    check(page, "report form")
    page.get_by_role("button", name="Envoyer le signalement").click()
    page.wait_for_load_state()
    group = page.get_by_role("group", name=re.compile("Motif"))
    assert group.get_attribute("aria-describedby") == "id_reason_error"
    assert page.locator("#id_reason_error").inner_text() == "Choisissez un motif de signalement."
    assert page.title().startswith("Erreur : Signaler un contenu")
    check(page, "report form with an error")
    screenshot(page, "consultation-report-errors")
    check.assert_clean(8)


BAR_COLOURS = {"ok": (0x15, 0x80, 0x3D), "mitigated": (0xD9, 0x77, 0x06), "nok": (0xB9, 0x1C, 0x1C)}


def _bar_shares(png: bytes) -> dict[str, float]:
    """Share of each vote colour along the middle row of a screenshot of the bar."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    row = [image.getpixel((x, image.height // 2)) for x in range(image.width)]
    counts = dict.fromkeys(BAR_COLOURS, 0)
    for pixel in row:
        for name, colour in BAR_COLOURS.items():
            if sum(abs(a - b) for a, b in zip(pixel, colour, strict=True)) < 40:
                counts[name] += 1
    total = sum(counts.values()) or 1
    return {name: count / total for name, count in counts.items()}


def _overflow(page) -> int:
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def test_screenshots_section_and_opinion(bill, new_page, log_in):
    camille = seed.participant()
    OpinionVote.objects.create(opinion=bill.article, user=camille, value="mitigated")
    bill.article.votes_mitigated += 1
    bill.article.save(update_fields=["votes_mitigated"])
    version = Version.objects.get(opinion=bill.article)
    paths = []
    for name, viewport in (("desktop", DESKTOP), ("mobile", MOBILE)):
        page = new_page(viewport=viewport)
        log_in(page, camille)
        for label, url in (
            ("section", bill.articles.get_absolute_url()),
            ("opinion", bill.article.get_absolute_url()),
            ("version", version.get_absolute_url()),
        ):
            page.goto(url)
            page.wait_for_load_state("networkidle")
            assert _overflow(page) <= 0, f"{name} {label}: wider than the viewport"
            paths.append(screenshot(page, f"consultation-{label}-{name}"))
    assert all(p.exists() and p.stat().st_size > 10_000 for p in paths)

    # The stacked bar, as drawn: segments as long as their shares (2, 2 and 1 votes of 5).
    page = new_page()
    page.goto(bill.article.get_absolute_url())
    shares = _bar_shares(page.locator("#vote .votebars__bar").screenshot())
    assert shares == pytest.approx({"ok": 0.4, "mitigated": 0.4, "nok": 0.2}, abs=0.04), shares

    # WCAG 1.4.10 (reflow): usable at 320 CSS pixels without scrolling sideways.
    page = new_page(viewport={"width": 320, "height": 640})
    log_in(page, camille)
    for url in (
        bill.articles.get_absolute_url(),
        bill.article.get_absolute_url(),
        version.get_absolute_url(),
    ):
        page.goto(url)
        assert _overflow(page) <= 0, f"320px: {url} is wider than the viewport"
