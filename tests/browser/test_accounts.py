"""Account journeys in a real browser: sign-up, email confirmation, profile, language, lockout."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core import mail
from django.utils import translation

from palabre.core.models import User

from . import seed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONFIRM_LINK = re.compile(r"https?://\S+/accounts/confirm-email/[^\s/]+/")


def _english(msgid: str) -> str:
    with translation.override("en"):
        return translation.gettext(msgid)


def _description(page, field) -> str:
    """The text of the elements the field's ``aria-describedby`` points at."""
    idents = (field.get_attribute("aria-describedby") or "").split()
    found = [page.locator(f"[id='{ident}']") for ident in idents]
    return " ".join(loc.inner_text() for loc in found if loc.count() == 1)


def _logout_button(page):
    return page.locator("header form[action='/accounts/logout/'] button")


def test_sign_up_confirm_profile_language_and_log_out(page, live_server):
    seed.base_content()

    page.goto("/")
    page.get_by_role("navigation", name="Mon compte").get_by_role(
        "link", name="Créer un compte"
    ).click()
    page.wait_for_url("**/accounts/signup/")

    page.locator("#id_email").fill("alex@example.org")
    page.locator("#id_username").fill("alex")
    page.locator("#id_password1").fill(seed.PASSWORD)
    page.locator("#id_password2").fill(seed.PASSWORD)
    charter = page.get_by_label("J'accepte la charte de participation")
    assert not charter.is_checked(), "the charter must never be pre-ticked"
    assert page.get_by_role("link", name="Lire la charte de participation").get_attribute(
        "href"
    ) == ("/charter/")
    charter.check()
    page.locator("form.form button[type=submit]").click()

    page.wait_for_url("**/accounts/confirm-email/")
    assert page.locator("h1").count() == 1
    user = User.objects.get(username="alex")
    assert user.charter_accepted_at is not None
    assert user.email == "alex@example.org"

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alex@example.org"]
    match = CONFIRM_LINK.search(message.body)
    assert match, message.body
    page.goto(match.group(0))
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()

    if page.locator("header a[href='/accounts/login/']").count():
        page.goto("/accounts/login/")
        page.locator("#id_login").fill("alex@example.org")
        page.locator("#id_password").fill(seed.PASSWORD)
        page.locator("form.form button[type=submit]").click()
        page.wait_for_load_state()
    assert _logout_button(page).is_visible(), "logged in after confirming the address"
    assert user.emailaddress_set.get().verified

    # Profile settings: edit, save, read the message, see the public profile.
    page.get_by_role("navigation", name="Mon compte").get_by_role("link", name="Mon compte").click()
    page.wait_for_url("**/settings/")
    page.locator("#id_bio").fill("Cycliste et jardinière au centre-ville.")
    page.locator("#id_zip_code").fill("75011")
    page.locator("#id_website").fill("https://alex.example.org")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url("**/settings/")
    status = page.get_by_role("status").filter(has_text="Votre profil a été enregistré.")
    assert status.is_visible()
    user.refresh_from_db()
    assert (user.bio, user.zip_code, user.website) == (
        "Cycliste et jardinière au centre-ville.",
        "75011",
        "https://alex.example.org",
    )

    page.get_by_role("link", name="Voir mon profil public").click()
    page.wait_for_url("**/profile/alex/")
    assert page.locator("h1").inner_text() == "alex"
    assert page.get_by_text("Cycliste et jardinière au centre-ville.").is_visible()
    assert "75011" not in page.locator("main").inner_text(), "the zip code is never public"

    # Switch to English with the header's button (a POST form), on the same page: the
    # account's language is saved too (the emails sent to it follow).
    switch = page.locator("header nav.lang-switch button[lang='en']")
    assert switch.inner_text().strip() == "English"
    switch.click()
    page.wait_for_url("**/profile/alex/")
    assert page.locator("html").get_attribute("lang") == "en"
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    assert cookies.get(settings.LANGUAGE_COOKIE_NAME) == "en"
    assert User.objects.get(username="alex").language == "en"
    back = page.locator("header nav.lang-switch button[lang='fr']")
    assert back.inner_text().strip() == "Français"
    assert back.get_attribute("lang") == "fr"
    logout_label = _english("Se déconnecter")
    if logout_label != "Se déconnecter":  # the English catalogue is compiled
        assert logout_label in {"Log out", "Sign out", "Log Out", "Sign Out"}
        assert _logout_button(page).inner_text().strip() == logout_label

    # Log out (a POST form in the header) and see the logged-out header.
    _logout_button(page).click()
    page.wait_for_load_state()
    assert page.locator("header a[href='/accounts/login/']").is_visible()
    assert _logout_button(page).count() == 0
    assert page.locator("html").get_attribute("lang") == "en", "the language choice survives"
    login_label = _english("Se connecter")
    if login_label != "Se connecter":
        assert page.locator("header a[href='/accounts/login/']").inner_text() == login_label
    # allauth's own strings are English at the source.
    page.goto("/accounts/login/")
    assert page.locator("h1").inner_text().strip() == "Sign In"


def test_language_switch_is_a_keyboard_form_that_needs_no_javascript(browser, live_server):
    """The header's switch is a button in a POST form: reached with Tab, pressed with Enter,
    with JavaScript off; a GET of its address changes nothing."""
    from ..conftest import DESKTOP, screenshot

    seed.base_content()
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", viewport=DESKTOP, java_script_enabled=False
    )
    try:
        page = context.new_page()
        page.goto("/language/en/?next=/projects/")
        assert page.locator("html").get_attribute("lang") == "fr"
        assert settings.LANGUAGE_COOKIE_NAME not in {c["name"] for c in context.cookies()}

        page.goto("/projects/")
        switch = page.locator("header nav.lang-switch button[lang='en']")
        for _ in range(12):
            page.keyboard.press("Tab")
            if switch.evaluate("button => button === document.activeElement"):
                break
        else:
            raise AssertionError("Tab never reaches the language button")
        outline = switch.evaluate("b => getComputedStyle(b).outlineStyle")
        assert outline not in ("", "none"), "the focused button shows its focus"
        screenshot(page, "language-switch-focused", full_page=False)
        # The answer redirects back to the same address: wait for that navigation itself
        # (waiting for the URL returned at once, before the switch was posted).
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.locator("html").get_attribute("lang") == "en"
        cookies = {c["name"]: c["value"] for c in context.cookies()}
        assert cookies.get(settings.LANGUAGE_COOKIE_NAME) == "en"
        assert page.locator("header nav.lang-switch button[lang='fr']").inner_text() == "Français"
    finally:
        context.close()


def test_sign_up_without_the_charter_is_refused_and_keeps_the_input(page, live_server):
    seed.base_content()
    page.goto("/accounts/signup/")
    page.locator("#id_email").fill("sam@example.org")
    page.locator("#id_username").fill("sam")
    page.locator("#id_password1").fill(seed.PASSWORD)
    page.locator("#id_password2").fill(seed.PASSWORD)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state()

    assert page.url.endswith("/accounts/signup/")
    error = page.get_by_text("Vous devez accepter la charte pour créer un compte.")
    assert error.is_visible()
    assert page.locator("#id_email").input_value() == "sam@example.org"
    assert page.locator("#id_username").input_value() == "sam"
    charter = page.locator("#id_charter")
    assert not charter.is_checked()
    assert charter.get_attribute("aria-invalid") == "true"
    # The error is announced with the field: aria-describedby points at it (RGAA 11.10).
    assert "Vous devez accepter la charte" in _description(page, charter)
    # The password rules (a list) are the password field's description too.
    assert "10 caractères" in _description(page, page.locator("#id_password1"))
    assert not User.objects.filter(username="sam").exists()
    assert mail.outbox == []


def test_six_wrong_passwords_lock_the_account(page, live_server):
    seed.base_content()
    seed.participant("dominique", "dominique@example.org")

    def attempt(password: str, login: str = "dominique@example.org"):
        page.goto("/accounts/login/")
        page.locator("#id_login").fill(login)
        page.locator("#id_password").fill(password)
        with page.expect_response(
            lambda r: r.url.endswith("/accounts/login/") and r.request.method == "POST"
        ) as info:
            page.locator("form.form button[type=submit]").click()
        page.wait_for_load_state()
        return info.value

    for number in range(1, 6):
        # Changing the address's case does not reset the count: it is the same account.
        login = "Dominique@Example.org" if number % 2 else "dominique@example.org"
        response = attempt(f"mauvais-mot-de-passe-{number}", login)
        assert response.status == 200, number
        assert page.locator("#id_password").is_visible()
        assert page.get_by_text("Trop de tentatives").count() == 0

    response = attempt("mauvais-mot-de-passe-6")
    assert response.status == 429
    assert page.locator("h1").inner_text() == "Compte temporairement bloqué"
    alert = page.get_by_role("alert")
    assert "Trop de tentatives" in alert.inner_text()
    assert page.get_by_role("link", name="Réinitialiser mon mot de passe").is_visible()

    response = attempt(seed.PASSWORD)
    assert response.status == 429, "the right password is refused while the account is locked"
    assert "Trop de tentatives" in page.get_by_role("alert").inner_text()
    assert _logout_button(page).count() == 0
