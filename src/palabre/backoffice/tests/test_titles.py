"""The back office's page titles in correct French: « Ajouter une étape », « Modifier l'étape »,
« Choisir une étape à modifier », never Django's « Ajout de étape »."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from django.apps import apps
from django.contrib.admin import helpers
from django.urls import reverse
from django.utils import translation

from palabre.backoffice.mixins import GENDERS, FrenchInlineAdminFormSet
from palabre.backoffice.site import site
from palabre.core.tests.factories import StepFactory, UserFactory, verified_user

pytestmark = pytest.mark.django_db

# Django's French admin titles, built from a bare verbose name.
STOCK = re.compile(
    r"Ajout de |Modification de |Sélectionnez l.objet|Ajouter un objet|Add another"
    r"|ajouter un nouveau"
)


@pytest.fixture
def organiser():
    return verified_user(username="orga", role="administrator", is_staff=True)


def _registered():
    return [model for model in apps.get_models() if site.is_registered(model)]


def _h1(html: str) -> str:
    return re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1).strip()


def test_every_model_admin_declares_the_gender_of_its_name():
    missing = [
        model._meta.label
        for model in _registered()
        if getattr(site.get_model_admin(model), "gender", None) not in GENDERS
    ]
    assert len(_registered()) >= 15
    assert not missing


def test_step_pages_are_titled_in_french(client, organiser):
    step = StepFactory(title="Vote")
    client.force_login(organiser)
    html = client.get(reverse("admin:core_step_add")).content.decode()
    assert _h1(html) == "Ajouter une étape"
    assert "<title>Ajouter une étape |" in html
    assert "&rsaquo; Ajouter une étape" in html
    html = client.get(reverse("admin:core_step_change", args=[step.pk])).content.decode()
    assert _h1(html) == "Modifier l&#x27;étape"
    assert 'value="Enregistrer et ajouter une autre" name="_addanother"' in html
    html = client.get(reverse("admin:core_step_changelist")).content.decode()
    assert _h1(html) == "Choisir une étape à modifier"
    assert re.search(r'class="addlink">\s*Ajouter une étape\s*</a>', html)


def test_titles_follow_each_names_gender(client, organiser):
    client.force_login(organiser)
    user = UserFactory()
    cases = [
        (reverse("admin:core_project_add"), "Ajouter un projet"),
        (reverse("admin:core_page_add"), "Ajouter une page"),
        (reverse("admin:core_user_add"), "Ajouter un·e utilisateur·rice"),
        (reverse("admin:core_user_change", args=[user.pk]), "Modifier l&#x27;utilisateur·rice"),
        (reverse("admin:core_theme_changelist"), "Choisir un thème à modifier"),
        # Read-only lists and pages: « consulter », « voir ».
        (reverse("admin:selection_ballot_changelist"), "Choisir un bulletin à consulter"),
        (reverse("admin:core_actionlog_changelist"), "Choisir une entrée du journal à consulter"),
    ]
    for url, title in cases:
        assert _h1(client.get(url).content.decode()) == title, url


def test_titles_in_english(client, organiser):
    client.force_login(organiser)
    with translation.override("en"):
        client.cookies["django_language"] = "en"
        html = client.get(reverse("admin:core_step_add"), HTTP_ACCEPT_LANGUAGE="en").content
    assert _h1(html.decode()) == "Add step"


def test_no_page_of_the_back_office_shows_djangos_stock_french_titles(client, organiser):
    client.force_login(organiser)
    checked = 0
    for model in _registered():
        opts = model._meta
        for name in ("changelist", "add"):
            response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_{name}"))
            if response.status_code != 200:
                assert response.status_code in (302, 403), (opts.label, name)
                continue
            checked += 1
            html = response.content.decode()
            assert not STOCK.search(_h1(html)), (opts.label, name, _h1(html))
            assert "Enregistrer et ajouter un nouveau" not in html, (opts.label, name)
            assert not STOCK.search(html.split("<title>")[1].split("</title>")[0])
    assert checked >= 25


def _inline_add_texts(html: str) -> list[str]:
    return [
        json.loads(unescape(data))["options"]["addText"]
        for data in re.findall(r'data-inline-formset="([^"]*)"', html)
    ]


def test_every_inline_declares_the_gender_of_its_name():
    inlines = [inline for model in _registered() for inline in site.get_model_admin(model).inlines]
    assert len(inlines) >= 7
    assert not [inline for inline in inlines if getattr(inline, "gender", None) not in GENDERS]


def test_inline_add_another_link_is_in_french(client, organiser):
    client.force_login(organiser)
    html = client.get(reverse("admin:core_project_add")).content.decode()
    assert _inline_add_texts(html) == ["Ajouter une autre étape"]
    html = client.get(reverse("admin:collect_collect_add")).content.decode()
    texts = _inline_add_texts(html)
    assert "Ajouter une autre question personnalisée" in texts
    assert "Ajouter un autre statut" in texts
    assert not [text for text in texts if STOCK.search(text)]


def test_the_french_inline_wrapper_is_djangos_but_for_the_link(client, organiser, monkeypatch):
    """Built through public interfaces (a subclass overriding ``inline_formset_data``): the
    same wrapper as Django's in everything else, on every back-office page with inlines."""
    built = []
    of = FrenchInlineAdminFormSet.of.__func__

    def spy(cls, wrapper, add_text):
        french = of(cls, wrapper, add_text)
        built.append((wrapper, french))
        return french

    monkeypatch.setattr(FrenchInlineAdminFormSet, "of", classmethod(spy))
    client.force_login(organiser)
    pages = 0
    for model in _registered():
        if not site.get_model_admin(model).inlines:
            continue
        opts = model._meta
        response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
        if response.status_code != 200:
            continue
        pages += 1
        for wrapper in response.context["inline_admin_formsets"]:
            assert isinstance(wrapper, FrenchInlineAdminFormSet), opts.label
    assert pages >= 3 and len(built) >= 7
    for django_wrapper, french in built:
        assert type(django_wrapper) is helpers.InlineAdminFormSet
        # Every attribute Django's constructor set (the French one was rendered since: it
        # holds cached properties too).
        given = vars(django_wrapper)
        assert len(given) >= 10 and {k: vars(french)[k] for k in given} == given
        ours = json.loads(french.inline_formset_data())
        theirs = json.loads(django_wrapper.inline_formset_data())
        assert ours["options"].pop("addText") == french.add_text
        theirs["options"].pop("addText")
        assert ours == theirs


def test_every_palabre_model_has_translatable_french_names():
    """Not Django's « draft file » made from the class name: each model names itself."""
    from django.utils.functional import Promise

    unnamed = [
        model._meta.label
        for model in apps.get_models()
        if model.__module__.startswith("palabre.")
        and not all(
            isinstance(model._meta.original_attrs.get(attr), Promise)
            for attr in ("verbose_name", "verbose_name_plural")
        )
    ]
    assert not unnamed
