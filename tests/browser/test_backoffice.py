"""The back office in a real browser, as an organiser: axe (WCAG 2.1 AA) on the add and change
pages of the main models, steps labelled with their project wherever one is chosen, and page
titles in correct French."""

from __future__ import annotations

import pytest
from django.urls import reverse

from palabre.components.collect.models import Collect
from palabre.core.models import Page, Project, Step

from ..conftest import screenshot
from . import axe, seed_consultation, seed_selection

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def selection():
    """Two projects, each with a « Dépôt des projets » and a « Vote » step, and their rules."""
    first = seed_selection.selection(n=3)
    first_project = first.step.project
    first_project.title = "Budget participatif 2026"
    first_project.save()
    second = seed_selection.selection(n=2)
    second_project = second.step.project
    second_project.title = "Budget participatif 2027"
    second_project.save()
    return first


@pytest.fixture
def organiser():
    return seed_consultation.organiser()


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
