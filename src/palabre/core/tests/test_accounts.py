"""Accounts through allauth: charter, confirmation, lockout, profile, email change."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from palabre.core.models import User

from .factories import PageFactory, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "lea.dupont@example.org",
    "username": "lea",
    "password1": "un-mot-de-passe-solide",
    "password2": "un-mot-de-passe-solide",
}


def _confirmation_link(message):
    return re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+/", message.body).group(0)


def test_signup_requires_the_charter_and_keeps_what_was_typed(client):
    PageFactory(kind="charter")
    page = client.get("/accounts/signup/").content.decode()
    assert 'name="charter"' in page and "checked" not in page.split('name="charter"')[1][:80]
    response = client.post("/accounts/signup/", SIGNUP)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Vous devez accepter la charte" in html
    assert 'value="lea.dupont@example.org"' in html and 'value="lea"' in html
    assert not User.objects.exists()


def test_signup_confirm_then_login(client):
    response = client.post("/accounts/signup/", {**SIGNUP, "charter": "on"})
    assert response.status_code == 302
    user = User.objects.get(email="lea.dupont@example.org")
    assert user.charter_accepted_at is not None
    assert user.password.startswith("md5$")  # test hasher; Argon2 in production settings
    assert len(mail.outbox) == 1
    link = _confirmation_link(mail.outbox[0])
    path = link.split("testserver", 1)[-1]
    assert client.get(path).status_code == 200  # a page with a button, not a GET side effect
    assert not EmailAddress.objects.get(user=user).verified
    client.post(path)
    assert EmailAddress.objects.get(user=user).verified
    client.logout()
    response = client.post(
        "/accounts/login/", {"login": "LEA.dupont@example.org", "password": SIGNUP["password1"]}
    )
    assert response.status_code == 302
    assert client.get("/settings/").status_code == 200


def test_production_hasher_is_argon2(settings):
    from palabre.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def _verified_user(**kwargs):
    user = UserFactory(**kwargs)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def test_six_wrong_passwords_lock_the_account(client):
    user = _verified_user()
    for attempt in range(1, 7):
        response = client.post("/accounts/login/", {"login": user.email, "password": "faux"})
        if attempt < 6:
            assert response.status_code == 200
            assert "Trop de tentatives" not in response.content.decode()
    assert response.status_code == 429
    assert "Trop de tentatives de connexion" in response.content.decode()
    response = client.post(
        "/accounts/login/", {"login": user.email, "password": "correct horse battery"}
    )
    assert response.status_code == 429
    other = _verified_user()
    response = client.post(
        "/accounts/login/", {"login": other.email, "password": "correct horse battery"}
    )
    assert response.status_code == 302, "a lockout targets one account, not every account"


def test_profile_edit_keeps_input_on_error_and_saves(client):
    user = _verified_user(username="yasmine")
    _verified_user(username="taken")
    client.force_login(user)
    response = client.post(
        "/settings/", {"username": "taken", "bio": "Ma bio", "zip_code": "75011", "website": ""}
    )
    html = response.content.decode()
    assert "déjà pris" in html and "Ma bio" in html and 'value="75011"' in html
    response = client.post(
        "/settings/",
        {"username": "yasmine", "bio": "Ma bio", "zip_code": "75011", "website": "example.org"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.bio, user.zip_code, user.website) == ("Ma bio", "75011", "https://example.org")


def test_profile_rejects_non_image_avatar(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    user = _verified_user(username="thuy")
    client.force_login(user)
    fake = SimpleUploadedFile("photo.png", b"not an image", content_type="image/png")
    response = client.post(
        "/settings/", {"username": "thuy", "bio": "", "zip_code": "", "website": "", "avatar": fake}
    )
    assert response.status_code == 200
    assert "avatar" in response.context["form"].errors


def test_settings_require_login(client):
    response = client.get("/settings/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_email_change_needs_reconfirmation(client):
    user = _verified_user(email="ancien@example.org")
    client.force_login(user)
    page = client.get("/accounts/email/")
    assert page.status_code == 200
    client.post("/accounts/email/", {"action_add": "", "email": "nouveau@example.org"})
    user.refresh_from_db()
    assert user.email == "ancien@example.org"  # unchanged until confirmed
    assert EmailAddress.objects.filter(email="nouveau@example.org", verified=False).exists()
    link = _confirmation_link(mail.outbox[-1]).split("testserver", 1)[-1]
    client.post(link)
    user.refresh_from_db()
    assert user.email == "nouveau@example.org"
    assert not EmailAddress.objects.filter(email="ancien@example.org").exists()


def test_logout_is_a_post(client):
    user = _verified_user()
    client.force_login(user)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("url", "data", "limit"),
    [
        ("/accounts/signup/", {"email": "x@example.org"}, 10),
        ("/accounts/password/reset/", {"email": "x@example.org"}, 3),
        ("/accounts/login/", {"login": "x{i}@example.org", "password": "faux"}, 30),
    ],
)
def test_signup_reset_and_login_are_rate_limited(client, url, data, limit):
    """Per IP; a different account each time so that this is not axes' per-account lockout."""

    def post(i):
        return client.post(url, {k: v.format(i=i) for k, v in data.items()}).status_code

    codes = [post(i) for i in range(limit + 1)]
    assert 429 not in codes[:limit]
    assert codes[-1] == 429


def test_password_reset_by_email_then_login_with_the_new_password(client):
    user = _verified_user(email="oubli@example.org")
    response = client.post("/accounts/password/reset/", {"email": "OUBLI@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["oubli@example.org"]
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+/", mail.outbox[0].body)
    path = link.group(0).split("testserver", 1)[-1]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else path
    new = "un-nouveau-mot-de-passe"
    response = client.post(action, {"password1": new, "password2": "pas-le-meme-du-tout"})
    assert response.status_code == 200  # mismatch: refused, the page says why
    assert response.context["form"].errors
    response = client.post(action, {"password1": new, "password2": new})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)
    client.logout()
    response = client.post("/accounts/login/", {"login": user.email, "password": new})
    assert response.status_code == 302
