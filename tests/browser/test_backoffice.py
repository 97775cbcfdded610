"""The back office in a real browser, as an organiser: axe (WCAG 2.1 AA) on the add and change
pages of the main models, steps labelled with their project wherever one is chosen, and page
titles in correct French."""

from __future__ import annotations

import pytest
from django.urls import reverse

from palabre.components.collect import services as collect_services
from palabre.components.collect.models import Collect, Preset
from palabre.components.selection import services as selection_services
from palabre.core.models import Page, Project, Step

from ..conftest import screenshot
from . import axe, seed_consultation, seed_selection

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def organiser():
    return seed_consultation.organiser()


@pytest.fixture
def selection(organiser):
    """Two projects, each with a « Dépôt des projets » step (a budget form, the default
    statuses) and a « Vote » step on it."""
    first = seed_selection.selection(n=3)
    first_project = first.step.project
    first_project.title = "Budget participatif 2026"
    first_project.save()
    second = seed_selection.selection(n=2)
    second_project = second.step.project
    second_project.title = "Budget participatif 2027"
    second_project.save()
    for rules in (first, second):
        collect_services.collect_apply_preset(
            actor=organiser, collect=rules.collect, preset=Preset.BUDGET
        )
    selection_services.selection_proposals_add(
        actor=organiser,
        selection=first,
        proposals=list(first.collect.proposals.values_list("pk", flat=True)),
    )
    return first


def _admin_pages(selection) -> list[tuple[str, str]]:
    step = selection.step
    collect = selection.collect
    page = Page.objects.first()
    pages = []
    for label, model, obj in [
        ("project", Project, step.project),
        ("step", Step, step),
        ("selection rules", type(selection), selection),
        ("collect form", Collect, collect),
        ("page", Page, page),
    ]:
        opts = model._meta
        pages.append((f"add {label}", reverse(f"admin:{opts.app_label}_{opts.model_name}_add")))
        pages.append(
            (
                f"change {label}",
                reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]),
            )
        )
    return pages


@pytest.mark.parametrize("language", ["fr", "en"])
def test_admin_add_and_change_pages_have_no_axe_violations(
    language, selection, organiser, new_page, log_in
):
    page = new_page(language=language)
    log_in(page, organiser)
    report: list[str] = []
    pages = _admin_pages(selection)
    for label, path in pages:
        response = page.goto(path)
        assert response is not None and response.ok, (
            f"{label} {path}: {response and response.status}"
        )
        assert page.locator("#content form").count() >= 1, f"{label}: no form"
        found = axe.violations(page)
        screenshot(page, f"backoffice-{language}-{label}")
        if found:
            report.append(axe.describe(f"{language} {label} {path}", found))
    assert len(pages) == 10
    assert not report, "axe found WCAG 2.1 AA violations:\n" + "\n".join(report)


def test_search_icons_added_after_load_get_a_role(organiser, page, log_in):
    """admin-a11y.js gives each filter's search icon ``role="img"``: those drawn on load, and
    those added later (an inline row's widget), whether the icon is the added node itself or
    inside it."""
    log_in(page, organiser)
    page.goto(reverse("admin:core_project_add"))
    page.wait_for_load_state("load")
    icons = page.locator(".search-label-icon[aria-label]")
    assert icons.count() >= 4, "themes, districts, users and groups are filtered"
    assert icons.evaluate_all("all => all.every(icon => icon.getAttribute('role') === 'img')")
    page.evaluate(
        """() => {
            const row = document.createElement('div');
            row.id = 'added-row';
            row.innerHTML = '<p><label><span class="search-label-icon" aria-label="Filtre">'
                + '</span></label></p>';
            document.querySelector('#content form').append(row);
            const icon = document.createElement('span');
            icon.id = 'added-icon';
            icon.className = 'search-label-icon';
            icon.setAttribute('aria-label', 'Filtre');
            document.querySelector('#content form').append(icon);
        }"""
    )
    page.wait_for_function(
        """() => ['#added-row .search-label-icon', '#added-icon'].every(
            (selector) => document.querySelector(selector).getAttribute('role') === 'img')"""
    )


PROJECTS = ("Budget participatif 2026", "Budget participatif 2027")


def _option_labels(page, selector: str) -> list[str]:
    return [
        text.strip()
        for text in page.locator(f'{selector} option:not([value=""])').all_inner_texts()
    ]


def test_every_step_choice_names_its_project(selection, organiser, page, log_in):
    """« Vote, Vote » and « Dépôt des projets » twice: a rule attached to the wrong project.
    Every step, collect form or status an organiser picks reads « <project> — <step> »."""
    log_in(page, organiser)
    checked = {}
    for path, selectors in [
        (reverse("admin:selection_selection_add"), ["#id_step", "#id_collect", "#id_add_status"]),
        (reverse("admin:collect_collect_add"), ["#id_step"]),
        (reverse("admin:consultation_consultation_add"), ["#id_step"]),
        (reverse("admin:collect_proposal_changelist"), ["select[name=status]"]),
    ]:
        response = page.goto(path)
        assert response is not None and response.ok, path
        for selector in selectors:
            labels = _option_labels(page, selector)
            checked[f"{path} {selector}"] = labels
            assert len(labels) == len(set(labels)), f"{path} {selector}: {labels}"
            for label in labels:
                assert label.startswith(PROJECTS), f"{path} {selector}: {label!r}"
    assert sorted(checked[f"{reverse('admin:selection_selection_add')} #id_step"]) == [
        "Budget participatif 2026 — Vote",
        "Budget participatif 2027 — Vote",
    ]
    assert sorted(checked[f"{reverse('admin:collect_collect_add')} #id_step"]) == [
        "Budget participatif 2026 — Dépôt des projets",
        "Budget participatif 2027 — Dépôt des projets",
    ]
    statuses = checked[f"{reverse('admin:selection_selection_add')} #id_add_status"]
    assert "Budget participatif 2026 — Dépôt des projets — Recevable" in statuses
    assert "Budget participatif 2027 — Dépôt des projets — Recevable" in statuses


STOCK_FRENCH = ("Ajout de ", "Modification de ", "Sélectionnez l", "Ajouter un objet")


def _stock_french(page) -> list[str]:
    text = page.locator("body").inner_text()
    buttons = " ".join(
        page.locator("input[type=submit]").evaluate_all("els => els.map(e => e.value)")
    )
    return [
        stock for stock in (*STOCK_FRENCH, "ajouter un nouveau") if stock in f"{text} {buttons}"
    ]


def test_pages_are_titled_in_french(selection, organiser, page, log_in):
    """Not Django's « Ajout de étape »: « Ajouter une étape », « Modifier l'étape »…"""
    log_in(page, organiser)
    step = selection.step
    expected = [
        (reverse("admin:core_step_add"), "Ajouter une étape"),
        (reverse("admin:core_step_change", args=[step.pk]), "Modifier l'étape"),
        (reverse("admin:core_step_changelist"), "Choisir une étape à modifier"),
        (reverse("admin:core_project_add"), "Ajouter un projet"),
        (reverse("admin:selection_selection_add"), "Ajouter un vote sur des propositions"),
        (reverse("admin:selection_ballot_changelist"), "Choisir un bulletin à consulter"),
        (reverse("admin:core_user_add"), "Ajouter un·e utilisateur·rice"),
    ]
    for path, title in expected:
        page.goto(path)
        assert page.locator("#content h1").inner_text().strip() == title, path
        assert f"{title} |" in page.title(), path
        assert not _stock_french(page), path

    page.goto(reverse("admin:core_step_add"))
    assert page.locator(".breadcrumbs").inner_text().strip().endswith("› Ajouter une étape")
    assert (
        page.locator("input[name=_addanother]").input_value() == "Enregistrer et ajouter une autre"
    )
    page.goto(reverse("admin:core_step_changelist"))
    page.locator(".object-tools a.addlink").click()
    page.wait_for_url(f"**{reverse('admin:core_step_add')}")

    # The inline's « add another » link, drawn by Django's inlines.js, adds a step form.
    page.goto(reverse("admin:core_project_add"))
    add = page.locator("#steps-group .add-row a")
    assert add.inner_text().strip() == "Ajouter une autre étape"
    add.click()
    assert page.locator("#steps-group .inline-related:not(.empty-form)").count() == 1
