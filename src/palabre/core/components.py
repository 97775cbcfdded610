"""Component manifests (house rule 1): everything the rest of Palabre knows of a component.

Every installed app may have a module ``component`` holding a module-level ``COMPONENT``, a
:class:`Component`. Nothing registers itself: :func:`components` imports ``<app>.component``
for every app of ``INSTALLED_APPS`` (in that order), once, on first use, and checks the whole
set (``ImproperlyConfigured`` when two components claim one kind, one URL prefix, one
settings tab or one contribution model). Adding a step kind is therefore its folder plus one
line in ``INSTALLED_APPS``.

Who reads the manifests: ``palabre/urls.py`` (:func:`step_urlpatterns`,
:func:`global_urlpatterns`), ``Step.kind_spec`` and the step page (:func:`step_kind`), the back
office's step form (:func:`kind_choices`), the settings area (:func:`settings_tabs`),
``participation`` (:func:`contribution_models`, :func:`target_models`), the account-deletion
receiver (``core/signals.py``, :func:`account_deletions`), ``manage.py recompute_counters``
and ``manage.py load_demo``.

**Account deletion.** However an account is deleted (the back office, ``User.delete()``, a
queryset's ``delete()``), ``core/signals.py`` runs every component's ``account_deletion``
hooks inside the deletion's transaction, before the rows pointing to the account are nulled.
A hook is ``on_account_delete(*, user, mode) -> int`` (how many rows it changed), ``mode``
being :data:`ANONYMISE` or :data:`ERASE`:

- ``"anonymise"``: the account's contributions stay, without the person (what the foreign
  keys' ``SET_NULL`` does anyway); the default of every deletion that says nothing, so that a
  deletion from the back office or the shell keeps what the schema keeps;
- ``"erase"``: what the person wrote goes too; only a caller that knows the person chose it
  asks for it, with ``with account_deletion_mode(ERASE): user.delete()``.

In both modes a vote still open goes with the account (with its counts), and a closed step
keeps its votes (they made published results).
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from importlib import import_module

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.urls import include, path, reverse
from django.utils.functional import Promise

ANONYMISE = "anonymise"
ERASE = "erase"
DELETION_MODES = (ANONYMISE, ERASE)

# One path segment: lower-case letters, digits and inner hyphens (``proposals``, ``vote``).
_PREFIX = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

Label = str | Promise


@dataclass(frozen=True, kw_only=True)
class StepKind:
    """A kind of step: what ``Step.kind`` stores, the step's page, and the kind's own URLs."""

    kind: str
    label: Label
    description: Label
    icon: str
    # ``view(request, *, project, step) -> HttpResponse``: the step's page.
    view: Callable[..., HttpResponse]
    participatory: bool = False  # participants contribute or vote in this kind
    cacheable: bool = False  # the anonymous step page is the same for every visitor
    # The kind's URLconf (dotted path, namespace = ``kind``), mounted at
    # ``projects/<slug>/<step-slug>/<url_prefix>/``: a prefix of its own, one path segment.
    url_prefix: str | None = None
    urls: str | None = None

    def render(self, request: HttpRequest, *, project, step) -> HttpResponse:
        return self.view(request, project=project, step=step)

    @property
    def url_root(self) -> str:
        """Where the kind's URLconf is mounted (a ``path()`` route)."""
        return f"projects/<slug:slug>/<slug:step_slug>/{self.url_prefix}/"


@dataclass(frozen=True, kw_only=True)
class SettingsTab:
    """A tab of the participant's settings area; ``url_name`` takes no argument."""

    url_name: str
    label: Label
    position: int  # tabs are shown by position; two tabs never share one


@dataclass(frozen=True, kw_only=True)
class Export:
    """A file an organiser downloads from a step of the component's kind."""

    name: str
    label: Label
    formats: tuple[str, ...]
    url_name: str  # reversed with the step's ``slug`` and ``step_slug``
    # The URL's argument that carries the format (``export.<str:fmt>``); ``None`` when the
    # URL serves its one format only.
    format_kwarg: str | None = None

    def url(self, *, slug: str, step_slug: str, fmt: str) -> str:
        if fmt not in self.formats:
            raise ValueError(f"{self.name} has no format {fmt!r}")
        kwargs = {"slug": slug, "step_slug": step_slug}
        if self.format_kwarg is not None:
            kwargs[self.format_kwarg] = fmt
        return reverse(self.url_name, kwargs=kwargs)


@dataclass(frozen=True, kw_only=True)
class PersonalData:
    """Rows of ``model`` that belong to a user's personal-data download."""

    model: type[models.Model]
    rows: Callable[..., models.QuerySet]  # ``rows(user) -> QuerySet`` of ``model``


@dataclass(frozen=True, kw_only=True)
class AccountDeletion:
    """What deleting an account does to the rows of ``models``.

    ``on_account_delete(*, user, mode) -> int``: called in the deletion's transaction, before
    the account's row goes (see the module's docstring for ``mode``); returns how many rows it
    removed or changed."""

    models: tuple[type[models.Model], ...]
    on_account_delete: Callable[..., int]


@dataclass(frozen=True, kw_only=True)
class Dataset:
    """An open dataset: its Table Schema fields next to the function yielding its rows."""

    name: str
    label: Label
    fields: tuple[dict, ...]  # Table Schema fields: name, type, description
    rows: Callable[[], Iterable[dict]]


@dataclass(frozen=True, kw_only=True)
class Component:
    """One component's manifest (``<app>/component.py``: ``COMPONENT = Component(...)``).

    ``personal_data``, ``account_deletion`` and ``datasets`` have no default: every component
    states them, ``()`` when it has nothing of the kind."""

    name: str
    label: Label
    step_kind: StepKind | None = None
    global_urls: str | None = None  # a URLconf (dotted path) mounted at the site's root
    settings_tabs: tuple[SettingsTab, ...] = ()
    # Models comments, reports, moderation and follows attach to (subclasses of
    # ``participation.models.Contribution``); ``targets``: other models that accept comments
    # and follows although nobody wrote them (a step, an event).
    contributions: tuple[type[models.Model], ...] = ()
    targets: tuple[type[models.Model], ...] = ()
    exports: tuple[Export, ...] = ()
    # ``recompute_counters(fix=bool) -> list[str]``: rebuild cached counters, return drifts.
    recompute_counters: Callable[..., list[str]] | None = None
    # ``demo(loader) -> list[str]``: called by ``manage.py load_demo`` once the core demo is
    # loaded, in the same transaction; adds the component's demo through ``loader.project()``
    # and returns lines for the report. Idempotent: a rerun duplicates nothing.
    demo: Callable[..., list[str]] | None = None
    personal_data: tuple[PersonalData, ...]
    account_deletion: tuple[AccountDeletion, ...]
    datasets: tuple[Dataset, ...]


# --- discovery -------------------------------------------------------------------------------


def discover(app_configs) -> tuple[Component, ...]:
    """The manifests of ``app_configs`` (those that have a ``component`` module), checked."""
    found = []
    for config in app_configs:
        module_name = f"{config.name}.component"
        try:
            module = import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise  # the module exists and imports something missing
            continue
        component = getattr(module, "COMPONENT", None)
        if not isinstance(component, Component):
            raise ImproperlyConfigured(f"{module_name} defines no COMPONENT = Component(...)")
        found.append(component)
    check(found)
    return tuple(found)


def check(found: Iterable[Component]) -> None:
    """Refuse what would make two components step on each other (raised at start-up)."""
    names, kinds, prefixes, tabs, positions, models_seen = set(), {}, {}, {}, {}, {}

    def claim(seen: dict, key, owner: str, what: str) -> None:
        if key in seen and seen[key] != owner:
            raise ImproperlyConfigured(f"{what} {key!r} is declared by {seen[key]} and {owner}")
        seen[key] = owner

    for component in found:
        owner = component.name
        if owner in names:
            raise ImproperlyConfigured(f"two components are named {owner!r}")
        names.add(owner)
        for hook in ("personal_data", "account_deletion", "datasets"):
            if not isinstance(getattr(component, hook), tuple):
                raise ImproperlyConfigured(f"{owner}: {hook} must be a tuple")
        spec = component.step_kind
        if spec is not None:
            claim(kinds, spec.kind, owner, "step kind")
            if spec.urls is not None or spec.url_prefix is not None:
                if spec.urls is None or spec.url_prefix is None:
                    raise ImproperlyConfigured(f"{owner}: urls and url_prefix go together")
                if not _PREFIX.fullmatch(spec.url_prefix):
                    raise ImproperlyConfigured(
                        f"{owner}: url_prefix {spec.url_prefix!r} is not one path segment"
                    )
                claim(prefixes, spec.url_prefix, owner, "URL prefix")
        for tab in component.settings_tabs:
            claim(tabs, tab.url_name, owner, "settings tab")
            claim(positions, tab.position, f"{owner} ({tab.url_name})", "settings tab position")
        for model in (*component.contributions, *component.targets):
            claim(models_seen, model._meta.label, owner, "contribution or target model")
        for export in component.exports:
            if export.format_kwarg is None and len(export.formats) != 1:
                raise ImproperlyConfigured(f"{owner}: export {export.name} needs format_kwarg")


@functools.cache
def components() -> tuple[Component, ...]:
    """Every installed component's manifest, in ``INSTALLED_APPS`` order (read once)."""
    return discover(apps.get_app_configs())


@receiver(setting_changed)
def _forget_on_installed_apps_change(*, setting, **kwargs):
    if setting == "INSTALLED_APPS":
        components.cache_clear()


# --- what the rest of Palabre reads ---------------------------------------------------------


def step_kinds() -> list[StepKind]:
    return [c.step_kind for c in components() if c.step_kind is not None]


def step_kind(kind: str) -> StepKind | None:
    return next((spec for spec in step_kinds() if spec.kind == kind), None)


def kind_choices() -> list[tuple[str, Label]]:
    return [(spec.kind, spec.label) for spec in step_kinds()]


def step_urlpatterns() -> list:
    """Each kind's URLconf under ``projects/<slug>/<step-slug>/<its prefix>/``."""
    return [
        path(spec.url_root, include((spec.urls, spec.kind))) for spec in step_kinds() if spec.urls
    ]


def global_urlpatterns() -> list:
    """The components' pages outside a step (a participant's drafts, their votes)."""
    return [path("", include(c.global_urls)) for c in components() if c.global_urls]


def settings_tabs() -> list[SettingsTab]:
    return sorted((t for c in components() for t in c.settings_tabs), key=lambda t: t.position)


def contribution_models() -> list[type[models.Model]]:
    return [model for c in components() for model in c.contributions]


def target_models() -> list[type[models.Model]]:
    return [model for c in components() for model in c.targets]


def exports() -> list[tuple[Component, Export]]:
    return [(c, export) for c in components() for export in c.exports]


def account_deletions() -> list[tuple[Component, AccountDeletion]]:
    return [(c, entry) for c in components() for entry in c.account_deletion]


_deletion_mode: contextvars.ContextVar[str] = contextvars.ContextVar(
    "account_deletion_mode", default=ANONYMISE
)


@contextlib.contextmanager
def account_deletion_mode(mode: str) -> Iterator[None]:
    """Accounts deleted inside this block run the deletion hooks with ``mode``."""
    if mode not in DELETION_MODES:
        raise ValueError(f"account deletion mode {mode!r} is not one of {DELETION_MODES}")
    token = _deletion_mode.set(mode)
    try:
        yield
    finally:
        _deletion_mode.reset(token)


def current_deletion_mode() -> str:
    return _deletion_mode.get()
