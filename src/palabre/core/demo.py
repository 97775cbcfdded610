"""Demo content is data: one generic loader for the TOML files beside each component.

The demo's texts, names and lists (the organisation, accounts, themes, districts, projects,
proposals, opinions, arguments…) live in ``demo/*.toml`` next to the code that owns them:
``palabre/core/demo/`` for the core demo, ``palabre/components/<kind>/demo/`` for a step
kind's. The Python keeps only the logic that turns that data into rows (``manage.py
load_demo`` and each component's ``demo.py``).

The files are package data (``pyproject.toml``'s ``package-data``), read through
``importlib.resources``: they load the same from a checkout, an editable install or a wheel.
TOML (``tomllib``, standard library) because prose reads well in its multi-line strings.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable

DATA_DIR = "demo"
SUFFIX = ".toml"


def package_of(component: str) -> str:
    """``"core"`` → ``palabre.core``; a kind (``"collect"``) → ``palabre.components.collect``;
    a dotted name is taken as the package itself."""
    if "." in component:
        return component
    if component == "core":
        return "palabre.core"
    return f"palabre.components.{component}"


def data_dir(component: str) -> Traversable:
    """The folder of ``component``'s demo data files."""
    return resources.files(package_of(component)).joinpath(DATA_DIR)


def data_names(component: str) -> list[str]:
    """The names of ``component``'s demo data files (without the suffix), sorted."""
    folder = data_dir(component)
    if not folder.is_dir():
        return []
    return sorted(
        entry.name.removesuffix(SUFFIX)
        for entry in folder.iterdir()
        if entry.is_file() and entry.name.endswith(SUFFIX)
    )


def load_data(component: str, name: str) -> dict:
    """The demo data file ``demo/<name>.toml`` of ``component``, parsed (a fresh dict each call).

    ``FileNotFoundError`` when the file is missing, ``tomllib.TOMLDecodeError`` (with the line)
    when it is not valid TOML.
    """
    with data_dir(component).joinpath(f"{name}{SUFFIX}").open("rb") as file:
        return tomllib.load(file)


# --- projects and steps, as the data files describe them --------------------------------------


@dataclass
class StepSpec:
    slug: str
    title: str
    start: tuple[int, int]  # (days from today, hour)
    end: tuple[int, int]
    body: str
    kind: str = ""  # a registered step kind; "" or an unregistered kind: the loader's default

    @classmethod
    def from_data(cls, data: dict) -> StepSpec:
        return cls(
            slug=data["slug"],
            title=data["title"],
            start=tuple(data["start"]),
            end=tuple(data["end"]),
            body=data["body"],
            kind=data.get("kind", ""),
        )


@dataclass
class ProjectSpec:
    slug: str
    title: str
    summary: str
    body: str
    themes: list[str]
    districts: list[str]
    steps: list[StepSpec]
    visibility: str = "public"  # a ``Project.Visibility`` value
    published: int = -30  # days from today
    groups: list[str] = field(default_factory=list)
    cover: bool = True

    @classmethod
    def from_data(cls, data: dict) -> ProjectSpec:
        """A project table of a data file: its keys are the fields, ``steps`` an array of
        tables (``[[projects.steps]]``)."""
        values = {key: value for key, value in data.items() if key != "steps"}
        return cls(**values, steps=[StepSpec.from_data(step) for step in data["steps"]])
