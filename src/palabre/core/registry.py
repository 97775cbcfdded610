"""Step-kind registry (house rule 1).

``core`` knows step kinds only through this registry. A component registers its kind from its
``AppConfig.ready()``; the project page and the step URL dispatch to the kind's view.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse


@dataclass(frozen=True)
class StepKind:
    kind: str
    label: str
    view: Callable[..., HttpResponse]
    description: str = ""
    icon: str = "step"
    participatory: bool = False  # True when participants contribute or vote in this kind
    cacheable: bool = False  # True when the anonymous page is the same for every visitor
    # ``recompute_counters(fix=bool) -> list[str]``: rebuild cached counters, return drifts.
    recompute_counters: Callable[..., list[str]] | None = None
    # ``on_account_delete(user=) -> int``: called inside the transaction that deletes an
    # account, before its rows go, however it is deleted (back office, shell, a service):
    # removes the account's votes in steps whose vote is not closed, with their counts, and
    # returns how many. Closed steps keep their votes (they made published results).
    on_account_delete: Callable[..., int] | None = None
    # Dotted path of a URLconf mounted under /projects/<slug>/<step-slug>/ (namespace = kind).
    urls: str | None = None
    # ``demo(loader) -> list[str]``: called by ``manage.py load_demo`` once the core demo
    # (accounts, themes, districts, projects) is loaded, inside the same transaction. It adds
    # the kind's demo projects and steps through ``loader.project(spec)``, fills them, and
    # returns lines for the command's report. It must be idempotent: a rerun duplicates nothing.
    demo: Callable[..., list[str]] | None = None
    extra: dict = field(default_factory=dict)

    def render(self, request: HttpRequest, *, project, step) -> HttpResponse:
        return self.view(request, project=project, step=step)


class Registry:
    def __init__(self) -> None:
        self._kinds: dict[str, StepKind] = {}

    def register(self, spec: StepKind) -> StepKind:
        existing = self._kinds.get(spec.kind)
        if existing is not None and existing != spec:
            raise ValueError(f"step kind {spec.kind!r} registered twice")
        self._kinds[spec.kind] = spec
        return spec

    def get(self, kind: str) -> StepKind | None:
        return self._kinds.get(kind)

    def choices(self) -> list[tuple[str, str]]:
        return [(k.kind, k.label) for k in self._kinds.values()]

    def __iter__(self):
        return iter(self._kinds.values())


registry = Registry()
