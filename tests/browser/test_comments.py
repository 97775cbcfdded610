"""Comments, follows and notification settings in a real browser (on a consultation article):
a participant comments and replies with the keyboard alone, an empty comment is refused with
its message, then axe (WCAG 2.1 A/AA) on every page of the block and of the settings."""

from __future__ import annotations

import re

import pytest

from palabre.participation import emails, services
from palabre.participation.models import Comment

from ..conftest import screenshot
from . import axe, seed, seed_consultation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUSED = """() => {
  const el = document.activeElement;
  const s = getComputedStyle(el);
  return {
    tag: el.tagName.toLowerCase(),
    id: el.id || '',
    text: (el.innerText || '').trim().slice(0, 60),
    outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0,
  };
}"""


@pytest.fixture
def bill():
    return seed_consultation.bill_consultation()


def _tab_to(page, selector: str, *, limit: int = 200) -> dict:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(sel) => document.activeElement.matches(sel)", selector):
            return page.evaluate(FOCUSED)
    raise AssertionError(f"Tab never reached {selector}")


def _check(page, label: str, report: list[str]) -> None:
    assert axe.is_styled(page), f"{label}: stylesheets did not load"
    found = axe.violations(page)
    if found:
        report.append(axe.describe(f"{label} {page.url}", found))


def test_comment_and_reply_with_the_keyboard(bill, page, log_in):
    article = bill.article
    marc = bill.participants[3]
    first = services.comment_create(
        author=marc, target=article, body="Qui paiera les conseillers ?\nLa Ville ou l'État ?"
    )
    camille = seed.participant()
    log_in(page, camille)
    page.goto(article.get_absolute_url())
    section = page.get_by_role("region", name="1 commentaire")
    assert "Qui paiera les conseillers ?" in section.inner_text()

    # A new comment: Tab to the labelled field, type, Tab to the button, Enter.
    focus = _tab_to(page, "#id_comment_body")
    assert focus["outline"], "the comment field shows where the focus is"
    page.keyboard.type("Il faut aussi des permanences le samedi.")
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["text"] == "Publier le commentaire"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"#comment-\d+$"))
    mine = Comment.objects.get(author=camille)
    assert page.url.endswith(f"#comment-{mine.pk}")
    assert "Votre commentaire est publié." in page.locator(".messages").inner_text()
    assert page.get_by_role("region", name="2 commentaires").is_visible()

    # A reply: the disclosure opens with Enter, its field is labelled, Enter sends.
    summary = page.locator(f"#comment-{first.pk} > details > summary")
    summary.focus()
    assert page.evaluate(FOCUSED)["outline"], "the reply toggle shows the focus"
    page.keyboard.press("Enter")
    field = page.locator(f"#comment-{first.pk} > details").get_by_label("Votre réponse")
    assert field.is_visible()
    field.focus()
    page.keyboard.type("Le budget est à l'article 4.")
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["text"] == "Publier la réponse"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    reply = Comment.objects.get(parent=first)
    assert reply.author == camille and reply.body == "Le budget est à l'article 4."
    thread = page.locator(f"#comment-{first.pk}")
    assert "Le budget est à l'article 4." in thread.locator(".comment-replies").inner_text()
    screenshot(page, "comments-thread")

    # An empty comment is refused with a message, on a page that keeps the form.
    page.goto(article.get_absolute_url())
    page.get_by_role("button", name="Publier le commentaire").click()
    page.wait_for_load_state()
    assert "Écrivez votre commentaire." in page.locator("#error-summary").inner_text()
    assert page.locator("#id_body").get_attribute("aria-invalid") == "true"


def test_typed_comment_and_reply_are_not_lost_by_a_misclick(bill, page, log_in):
    """DESIGN.md: leaving a form with unsaved text asks first (the comment forms too)."""
    article = bill.article
    first = services.comment_create(author=bill.participants[3], target=article, body="Oui ?")
    camille = seed.participant()
    log_in(page, camille)
    page.goto(article.get_absolute_url())
    page.wait_for_load_state("networkidle")
    page.locator("#id_comment_body").fill("Mon commentaire à garder")
    page.locator(".main-nav").get_by_role("link", name="Projets").click()
    dialog = page.get_by_role("dialog", name="Quitter la page ?")
    assert dialog.is_visible()
    assert page.evaluate("() => document.activeElement.textContent") == "Rester"
    page.keyboard.press("Enter")
    assert not dialog.is_visible()
    assert page.locator("#id_comment_body").input_value() == "Mon commentaire à garder"

    # A reply typed under a comment, on a fresh page: asks too.
    page.goto(article.get_absolute_url())
    page.wait_for_load_state("networkidle")
    page.locator(f"#comment-{first.pk} > details > summary").click()
    page.get_by_label("Votre réponse").fill("Ma réponse à garder")
    page.locator(".main-nav").get_by_role("link", name="Projets").click()
    assert page.get_by_role("dialog", name="Quitter la page ?").is_visible()

    # The comment's edit page: untouched, one leaves without a question; changed, one is asked.
    mine = services.comment_create(author=camille, target=article, body="Mon avis.")
    edit_url = f"/participation/comments/{mine.pk}/edit/"
    page.goto(edit_url)
    page.wait_for_load_state("networkidle")
    page.locator(".main-nav").get_by_role("link", name="Projets").click()
    page.wait_for_url("**/projects/")
    page.goto(edit_url)
    page.wait_for_load_state("networkidle")
    page.get_by_label("Votre commentaire").fill("Mon avis, relu.")
    page.locator(".main-nav").get_by_role("link", name="Projets").click()
    assert page.get_by_role("dialog", name="Quitter la page ?").is_visible()


def test_comment_follow_and_settings_pages_have_no_axe_violations(bill, new_page, log_in):
    article = bill.article
    marc = bill.participants[3]
    first = services.comment_create(author=marc, target=article, body="Une question.")
    services.comment_create(
        author=bill.participants[0], target=article, body="Une réponse.", parent=first
    )
    camille = seed.participant()
    services.comment_create(author=camille, target=article, body="Mon avis.")
    services.follow_create(user=camille, target=article)
    report: list[str] = []

    visitor = new_page()
    visitor.goto(article.get_absolute_url())
    assert visitor.get_by_role("link", name="Connectez-vous").is_visible()
    _check(visitor, "article with comments (visitor)", report)

    for language in ("fr", "en"):
        page = new_page(language=language)
        log_in(page, camille)
        page.goto(article.get_absolute_url())
        page.locator(f"#comment-{first.pk} > details > summary").click()  # open a reply form
        _check(page, f"{language} article with comments (participant)", report)
        page.goto(f"/participation/comments/{Comment.objects.get(author=camille).pk}/edit/")
        _check(page, f"{language} comment edit form", report)
        page.goto("/participation/notifications/")
        assert page.get_by_role("radio").count() == 3
        _check(page, f"{language} notification settings", report)
        screenshot(page, f"notification-settings-{language}")

    anonymous = new_page()
    token = emails.unsubscribe_token(camille, emails.target_key(article))
    anonymous.goto(f"/participation/unsubscribe/{token}/")
    _check(anonymous, "unsubscribe confirmation", report)
    anonymous.get_by_role("button", name="Confirmer la désinscription").click()
    anonymous.wait_for_load_state()
    assert "Vous ne suivez plus" in anonymous.locator("main").inner_text()
    _check(anonymous, "unsubscribe done", report)

    assert not report, "axe found WCAG 2.1 AA violations:\n" + "\n".join(report)
