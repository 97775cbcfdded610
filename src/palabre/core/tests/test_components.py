"""The component manifests (``core/components.py``): every installed component's is complete
and coherent, collisions are refused at start-up, a kind added by one line in
``INSTALLED_APPS`` shows up everywhere, and account deletion runs every component's hooks."""

from __future__ import annotations

import contextlib
import re
import sys
import types
from dataclasses import replace

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.template import Context, Template
from django.test import override_settings
from django.urls import Resolver404, URLResolver, get_resolver, resolve, reverse

from palabre.core import components
from palabre.core.admin import StepForm
from palabre.core.components import (
    AccountDeletion,
    Component,
    Dataset,
    Export,
    PersonalData,
    SettingsTab,
    StepKind,
)
from palabre.core.models import User
from palabre.core.tests.factories import UserFactory
from palabre.participation.models import Contribution

FIXTURE_APP = "palabre.core.tests.kind_fixture"
SAMPLE = {"slug": "p", "id": "7", "int": "7", "str": "csv", "path": "x"}


def _fill(route: str) -> str:
    """``route`` with a sample value in place of every ``<converter:name>``."""
    return re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE[m.group(1) or "str"], route)


def _sample_kwargs(route: str) -> dict[str, str]:
    """A value for every ``<converter:name>`` of a route (``slug`` and ``step_slug``: p, s)."""
    kwargs = {}
    for converter, name in re.findall(r"<(?:(\w+):)?(\w+)>", route):
        kwargs[name] = SAMPLE[converter or "str"]
    if "step_slug" in kwargs:
        kwargs["step_slug"] = "s"
    return kwargs


def _named_patterns(patterns, route: str = ""):
    """(full route, name) of every named pattern under ``patterns``, included ones too."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _named_patterns(pattern.url_patterns, route + str(pattern.pattern))
        elif pattern.name:
            yield route + str(pattern.pattern), pattern.name


def _kind_resolvers(kind: str) -> list[URLResolver]:
    return [
        p for p in get_resolver().url_patterns if isinstance(p, URLResolver) and p.namespace == kind
    ]


# --- every installed component -------------------------------------------------------------


def test_every_installed_app_with_a_component_module_is_read():
    names = [c.name for c in components.components()]
    assert names == [
        "core",
        "participation",
        "presentation",
        "consultation",
        "collect",
        "selection",
    ]
    assert [s.kind for s in components.step_kinds()] == [
        "presentation",
        "consultation",
        "collect",
        "selection",
    ]


@pytest.mark.parametrize("component", components.components(), ids=lambda c: c.name)
def test_manifest_is_complete(component):
    installed = set(apps.get_models())
    assert component.name and str(component.label)
    for entry in component.personal_data:
        assert isinstance(entry, PersonalData) and entry.model in installed
        assert callable(entry.rows)
    for entry in component.account_deletion:
        assert isinstance(entry, AccountDeletion) and callable(entry.on_account_delete)
        assert entry.models and set(entry.models) <= installed
    for entry in component.datasets:
        assert isinstance(entry, Dataset) and callable(entry.rows) and entry.fields
    for model in (*component.contributions, *component.targets):
        assert model in installed
    for model in component.contributions:
        assert issubclass(model, Contribution)
    spec = component.step_kind
    if spec is not None:
        assert isinstance(spec, StepKind)
        assert str(spec.label) and str(spec.description) and spec.icon and callable(spec.view)
    for hook in (component.recompute_counters, component.demo):
        assert hook is None or callable(hook)


def test_every_hook_must_be_stated():
    with pytest.raises(TypeError, match="personal_data"):
        Component(name="x", label="x", account_deletion=(), datasets=())
    with pytest.raises(TypeError, match="account_deletion"):
        Component(name="x", label="x", personal_data=(), datasets=())
    with pytest.raises(TypeError, match="datasets"):
        Component(name="x", label="x", personal_data=(), account_deletion=())


def test_every_contribution_model_is_declared_by_exactly_one_component():
    declared = [m for c in components.components() for m in c.contributions]
    contributions = [m for m in apps.get_models() if issubclass(m, Contribution)]
    assert contributions  # the walk below has something to check
    for model in contributions:
        assert declared.count(model) == 1, model._meta.label
    assert set(declared) == set(contributions)


@pytest.mark.parametrize(
    "spec", [s for s in components.step_kinds() if s.urls], ids=lambda s: s.kind
)
def test_kind_urls_live_under_its_own_prefix_and_nowhere_else(spec):
    (mounted,) = _kind_resolvers(spec.kind)  # mounted once
    assert str(mounted.pattern) == f"projects/<slug:slug>/<slug:step_slug>/{spec.url_prefix}/"
    named = list(_named_patterns(mounted.url_patterns, str(mounted.pattern)))
    assert named
    for route, name in named:
        url = reverse(f"{spec.kind}:{name}", kwargs=_sample_kwargs(route))
        assert url.startswith(f"/projects/p/s/{spec.url_prefix}/"), url
        match = resolve(url)  # reached: no other kind's pattern comes first
        assert (match.namespace, match.url_name) == (spec.kind, name), url
    # Another kind's paths put under this prefix reach this kind or nothing, never the other.
    for other in components.step_kinds():
        if other.urls and other.kind != spec.kind:
            (elsewhere,) = _kind_resolvers(other.kind)
            for route, _name in _named_patterns(elsewhere.url_patterns):
                url = f"/projects/p/s/{spec.url_prefix}/{_fill(route)}"
                with contextlib.suppress(Resolver404):
                    assert resolve(url).namespace == spec.kind, url


def test_the_step_page_stays_at_the_step_address():
    assert reverse("step", args=["p", "s"]) == "/projects/p/s/"


def test_settings_tabs_global_urls_and_exports_resolve():
    tabs = components.settings_tabs()
    assert [t.url_name for t in tabs] == [
        "settings_profile",
        "settings_account",
        "collect_drafts",
        "notification_settings",
        "selection_my_votes",
    ]
    for tab in tabs:
        assert resolve(reverse(tab.url_name)).url_name == tab.url_name
    for component in components.components():
        if component.global_urls:
            for route, name in _named_patterns(get_resolver(component.global_urls).url_patterns):
                assert resolve(reverse(name, kwargs=_sample_kwargs(route))).url_name == name
    found = components.exports()
    assert {(c.name, e.name, e.formats) for c, e in found} == {
        ("collect", "proposals", ("csv", "xlsx")),
        ("selection", "results", ("csv",)),
    }
    for component, export in found:
        for fmt in export.formats:
            url = export.url(slug="p", step_slug="s", fmt=fmt)
            assert url.startswith(f"/projects/p/s/{component.step_kind.url_prefix}/")
            assert f"{resolve(url).namespace}:{resolve(url).url_name}" == export.url_name
        with pytest.raises(ValueError):
            export.url(slug="p", step_slug="s", fmt="pdf")
    assert found[0][1].url(slug="p", step_slug="s", fmt="xlsx").endswith("export.xlsx")


# --- collisions are refused ----------------------------------------------------------------


def _view(request, *, project, step):  # pragma: no cover - never rendered
    raise AssertionError


def _component(name: str, **kwargs) -> Component:
    kind = kwargs.pop("kind", name)
    prefix = kwargs.pop("url_prefix", name)
    return Component(
        name=name,
        label=name,
        step_kind=StepKind(
            kind=kind,
            label=kind,
            description=kind,
            icon="step",
            view=_view,
            url_prefix=prefix,
            urls=None if prefix is None else f"{name}.urls",
        ),
        personal_data=(),
        account_deletion=(),
        datasets=(),
        **kwargs,
    )


def test_the_installed_manifests_pass_the_check():
    components.check(components.components())


@pytest.mark.parametrize(
    ("second", "message"),
    [
        (_component("b", url_prefix="a"), "URL prefix 'a' is declared by a and b"),
        (_component("b", kind="a"), "step kind 'a' is declared by a and b"),
        (_component("a", kind="b", url_prefix="b"), "two components are named 'a'"),
        (_component("b", url_prefix="a/b"), "is not one path segment"),
        (_component("b", url_prefix=""), "is not one path segment"),
        (_component("b", url_prefix="A"), "is not one path segment"),
        (
            replace(_component("b"), step_kind=replace(_component("b").step_kind, urls=None)),
            "urls and url_prefix go together",
        ),
        (
            _component("b", settings_tabs=(SettingsTab(url_name="t", label="t", position=2),)),
            "settings tab 't' is declared by a and b",
        ),
        (
            _component("b", settings_tabs=(SettingsTab(url_name="u", label="u", position=1),)),
            "settings tab position 1",
        ),
        (_component("b", contributions=(User,)), "model 'core.User' is declared by a and b"),
        (
            _component(
                "b", exports=(Export(name="e", label="e", formats=("csv", "xlsx"), url_name="x"),)
            ),
            "export e needs format_kwarg",
        ),
        (replace(_component("b"), personal_data=[]), "personal_data must be a tuple"),
    ],
)
def test_two_components_stepping_on_each_other_are_refused(second, message):
    first = _component(
        "a",
        settings_tabs=(SettingsTab(url_name="t", label="t", position=1),),
        contributions=(User,),
    )
    components.check([first, _component("c")])  # apart, they are fine
    with pytest.raises(ImproperlyConfigured, match=re.escape(message)):
        components.check([first, second])


def test_a_component_module_without_its_manifest_is_refused(monkeypatch):
    module = types.ModuleType("palabre.core.tests.kind_fixture.component")
    monkeypatch.setitem(sys.modules, module.__name__, module)
    config = apps.get_app_config("core")
    fixture = types.SimpleNamespace(name="palabre.core.tests.kind_fixture", module=None)
    with pytest.raises(ImproperlyConfigured, match="defines no COMPONENT"):
        components.discover([config, fixture])


# --- a new kind: one folder, one line in INSTALLED_APPS -------------------------------------


@pytest.fixture
def fixture_kind_installed():
    with override_settings(INSTALLED_APPS=[*settings.INSTALLED_APPS, FIXTURE_APP]):
        yield
    assert "fixture" not in [s.kind for s in components.step_kinds()]  # forgotten after


# Changing INSTALLED_APPS runs every app's ready() again, core's register_converter included.
@pytest.mark.filterwarnings("ignore:Converter 'id' is already registered")
def test_a_kind_added_in_installed_apps_shows_up_everywhere(fixture_kind_installed):
    spec = components.step_kind("fixture")
    assert spec is not None and spec.label == "Fixture kind"
    # The back office's step form offers it.
    assert ("fixture", "Fixture kind") in StepForm().fields["kind"].choices
    # Its URLs, mounted by what palabre/urls.py mounts, under its own prefix.
    urlconf = types.ModuleType("fixture_root_urls")
    urlconf.urlpatterns = [*components.step_urlpatterns(), *components.global_urlpatterns()]
    url = reverse("fixture:thing", args=["p", "s", 3], urlconf=urlconf)
    assert url == "/projects/p/s/fixture/things/3/"
    assert resolve(url, urlconf=urlconf).namespace == "fixture"
    # Its settings tab, in the settings area's tabs (after the others: position 990).
    assert reverse("fixture_settings", urlconf=urlconf) == "/settings/fixture/"
    tabs = Template(
        "{% load palabre %}{% account_tabs as tabs %}"
        "{% for tab in tabs %}{{ tab.url_name }} {% endfor %}"
    )
    assert tabs.render(Context()).split()[-1] == "fixture_settings"


# --- account deletion -----------------------------------------------------------------------


@pytest.fixture
def recorded(monkeypatch):
    """A component whose deletion hook records what it was called with."""
    calls = []

    def hook(*, user, mode):
        calls.append(
            {
                "user": user.pk,
                "mode": mode,
                "row_still_there": User.objects.filter(pk=user.pk).exists(),
                "in_transaction": connection.in_atomic_block,
            }
        )
        return 0

    recorder = Component(
        name="recorder",
        label="recorder",
        personal_data=(),
        account_deletion=(AccountDeletion(models=(User,), on_account_delete=hook),),
        datasets=(),
    )
    installed = components.components()
    monkeypatch.setattr(components, "components", lambda: (*installed, recorder))
    return calls


@pytest.mark.django_db(transaction=True)  # the deletion's own transaction, not the test's
def test_every_deletion_runs_the_hooks_in_its_transaction_before_the_row_goes(recorded):
    by_model, by_queryset, erased = UserFactory(), UserFactory(), UserFactory()
    expected = [(by_model.pk, "anonymise"), (by_queryset.pk, "anonymise"), (erased.pk, "erase")]
    by_model.delete()
    User.objects.filter(pk=by_queryset.pk).delete()
    with components.account_deletion_mode(components.ERASE):
        erased.delete()
    assert recorded == [
        {"user": pk, "mode": mode, "row_still_there": True, "in_transaction": True}
        for pk, mode in expected
    ]
    assert components.current_deletion_mode() == components.ANONYMISE  # reset after the block
    assert not User.objects.exists()


def test_an_unknown_deletion_mode_is_refused():
    with pytest.raises(ValueError), components.account_deletion_mode("shred"):
        pass
