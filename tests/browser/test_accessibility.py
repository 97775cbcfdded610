"""Accessibility in a real browser: axe (WCAG 2.1 A/AA) on the public and account pages in both
languages, keyboard navigation with a visible focus, and screenshots for a human eye."""

from __future__ import annotations

import pytest

from ..conftest import DESKTOP, MOBILE, screenshot
from . import axe, seed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def content(settings):
    seed.use_file_storage(settings)
    data = seed.rich_content(with_cover=True)
    yield data
    for path in data.files:
        path.unlink(missing_ok=True)


def _public_pages(content) -> list[tuple[str, str]]:
    project = content.project
    return [
        ("home", "/"),
        ("project list", "/projects/"),
        ("project", project.get_absolute_url()),
        ("open step", content.steps[1].get_absolute_url()),
        ("closed step", content.steps[0].get_absolute_url()),
        ("theme", content.themes[1].get_absolute_url()),
        ("district", content.districts[0].get_absolute_url()),
        ("legal page", content.legal.get_absolute_url()),
        ("login", "/accounts/login/"),
        ("sign-up", "/accounts/signup/"),
    ]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_pages_have_no_axe_violations(language, content, new_page, log_in):
    page = new_page(language=language)
    report: list[str] = []
    checked = 0

    def check(label: str, path: str | None = None) -> None:
        nonlocal checked
        if path is not None:
            response = page.goto(path)
            assert response is not None and response.ok, (
                f"{label} {path}: {getattr(response, 'status', None)}"
            )
        assert page.locator("html").get_attribute("lang") == language, label
        assert axe.is_styled(page), f"{label}: stylesheets did not load, axe would be misled"
        found = axe.violations(page)
        checked += 1
        if found:
            report.append(axe.describe(f"{language} {label} {page.url}", found))

    for label, path in _public_pages(content):
        check(label, path)

    # A form with errors: messages, aria-invalid and their associations.
    page.goto("/accounts/signup/")
    page.locator("#id_email").fill("pas-une-adresse")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".errorlist").count() > 0
    check("sign-up with errors")

    user = seed.participant()
    log_in(page, user)
    check("profile (logged in)", user.get_absolute_url())
    check("settings (logged in)", "/settings/")
    check("account settings (logged in)", "/settings/account/")

    assert checked == len(_public_pages(content)) + 4
    assert not report, "axe found WCAG 2.1 AA violations:\n" + "\n".join(report)


def _focus_state(page) -> dict:
    return page.evaluate(
        """() => {
          const el = document.activeElement;
          const visible = (node) => {
            if (!node) return false;
            const s = getComputedStyle(node);
            return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0
              && s.outlineColor !== 'transparent' && s.outlineColor !== 'rgba(0, 0, 0, 0)';
          };
          // A project card shows focus on the whole card (:focus-within): its title link
          // stretches over the card, so an outline on the link alone would be misleading.
          const card = el.closest('.card');
          return {
            tag: el.tagName.toLowerCase(),
            id: el.id,
            cls: el.className,
            href: el.getAttribute('href'),
            text: (el.innerText || '').trim().slice(0, 60),
            inHeader: !!el.closest('header.site-header'),
            inNav: !!el.closest('nav.main-nav'),
            inCard: !!card,
            indicator: visible(el) || (card !== null && visible(card)),
          };
        }"""
    )


def test_keyboard_skip_link_and_visible_focus(content, page):
    page.goto("/")
    page.keyboard.press("Tab")
    first = _focus_state(page)
    assert "skip-link" in first["cls"], f"the first Tab stop is the skip link, not {first}"
    assert first["indicator"], "the skip link shows its focus"
    assert page.locator(".skip-link").is_visible(), "the skip link appears when focused"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main", "Enter moves focus to <main>"

    # From the top, walk the page with Tab: header links, then the cards; every stop shows focus.
    page.goto("/")
    stops = []
    for _ in range(40):
        page.keyboard.press("Tab")
        state = _focus_state(page)
        if state["tag"] == "body":
            break
        stops.append(state)
        if state["inCard"] and len([s for s in stops if s["inCard"]]) >= 3:
            break
    hidden = [s for s in stops if not s["indicator"]]
    assert not hidden, f"focused without a visible indicator: {hidden}"
    nav_links = [s["href"] for s in stops if s["inNav"]]
    assert nav_links == ["/", "/projects/"], nav_links
    header_hrefs = [s["href"] for s in stops if s["inHeader"]]
    assert "/accounts/login/" in header_hrefs and "/accounts/signup/" in header_hrefs
    card_links = [s["href"] for s in stops if s["inCard"]]
    assert content.project.get_absolute_url() in card_links, stops
    # Header before content: the tab order follows the visual order.
    first_card = next(i for i, s in enumerate(stops) if s["inCard"])
    assert all(s["inHeader"] for s in stops[1 : 1 + len(header_hrefs)])
    assert first_card > max(i for i, s in enumerate(stops) if s["inHeader"])


def test_screenshots_home_and_project(content, new_page):
    paths = []
    for name, viewport in (("desktop", DESKTOP), ("mobile", MOBILE)):
        page = new_page(viewport=viewport)
        page.goto("/")
        page.wait_for_load_state("networkidle")
        paths.append(screenshot(page, f"home-{name}"))
        page.goto(content.project.get_absolute_url())
        page.wait_for_load_state("networkidle")
        cover = page.locator("img.project-header__cover")
        assert cover.evaluate("img => img.complete && img.naturalWidth > 0"), "cover loads"
        # Nothing sticks out sideways (a horizontal scrollbar at 390 px fails WCAG 1.4.10).
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name}: page is {overflow}px wider than the viewport"
        paths.append(screenshot(page, f"project-{name}"))
    assert all(p.exists() and p.stat().st_size > 10_000 for p in paths)

    # WCAG 1.4.10 (reflow): usable at 320 CSS pixels without scrolling sideways.
    page = new_page(viewport={"width": 320, "height": 640})
    for path in ("/", content.project.get_absolute_url(), "/accounts/signup/"):
        page.goto(path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"320px: {path} is {overflow}px wider than the viewport"


def test_stylesheets_are_found(client):
    """The site's stylesheet is reachable through staticfiles (runserver, collectstatic)."""
    from django.contrib.staticfiles import finders

    assert finders.find("palabre/css/palabre.css"), (
        "staticfiles cannot find palabre/css/palabre.css: src/palabre/static must be in "
        "STATICFILES_DIRS (else pages are unstyled, and the manifest storage of production "
        "raises on {% static %})"
    )
    response = client.get("/static/palabre/css/palabre.css")
    assert response.status_code == 200
