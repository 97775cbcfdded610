"""The demo's data files: shipped as package data, loaded through ``importlib.resources``, and
consistent with each other (every theme, district, account and group they name exists)."""

import tomllib
from importlib import resources
from pathlib import Path

import pytest

from palabre.core import demo
from palabre.core.demo import ProjectSpec, load_data
from palabre.core.management.commands.load_demo import participant_username

SRC = Path(__file__).resolve().parents[2]  # src/palabre
PYPROJECT = SRC.parents[1] / "pyproject.toml"

# Every component that has demo content, with the files it reads.
EXPECTED = {
    "core": ["accounts", "organisation", "projects"],
    "collect": ["collect"],
    "consultation": ["consultation"],
    "selection": ["selection"],
}


def data_files() -> list[Path]:
    return sorted(SRC.glob("**/demo/*.toml"))


def test_every_data_file_loads_through_importlib_resources():
    found = {}
    for path in data_files():
        package = ".".join(("palabre", *path.parent.parent.relative_to(SRC).parts))
        component = package.removeprefix("palabre.components.").removeprefix("palabre.")
        found.setdefault(component, []).append(path.stem)
        traversable = resources.files(package).joinpath("demo", path.name)
        assert traversable.is_file(), path
        data = load_data(component, path.stem)
        assert isinstance(data, dict) and data, path
        assert data == tomllib.loads(path.read_text(encoding="utf-8"))
    assert found == EXPECTED
    for component, names in EXPECTED.items():
        assert demo.data_names(component) == names


def test_the_data_files_are_package_data():
    """A non-editable install (wheel, sdist) ships every data file: each one is matched by a
    ``package-data`` pattern of ``pyproject.toml``, globbed as setuptools does, from the
    ``palabre`` package."""
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["palabre"]
    shipped = {path for pattern in patterns for path in SRC.glob(pattern) if path.is_file()}
    files = data_files()
    assert files
    assert set(files) <= shipped


def test_load_data_fails_loudly():
    with pytest.raises(FileNotFoundError):
        load_data("core", "no-such-file")
    assert demo.data_names("presentation") == []


def test_data_files_reference_only_what_exists():
    site, people = load_data("core", "organisation"), load_data("core", "accounts")
    themes = {theme["slug"] for theme in site["themes"]}
    districts = [district["slug"] for district in site["districts"]]
    usernames = {participant_username(name) for name in people["participants"]}
    assert set(people["bios"]) <= usernames
    assert set(people["council"]["members"]) <= usernames
    groups = {people["council"]["name"]}

    projects = [ProjectSpec.from_data(p) for p in load_data("core", "projects")["projects"]]
    collect = load_data("collect", "collect")
    consultation = load_data("consultation", "consultation")
    selection = load_data("selection", "selection")
    projects += [
        ProjectSpec.from_data(collect["budget"]["project"]),
        ProjectSpec.from_data(collect["ideas"]["project"]),
        ProjectSpec.from_data(consultation["project"]),
    ]
    for project in projects:
        assert set(project.themes) <= themes, project.slug
        assert set(project.districts) <= set(districts), project.slug
        assert set(project.groups) <= groups, project.slug
        assert project.steps, project.slug
        assert all(step.start <= step.end for step in project.steps), project.slug
    slugs = [p.slug for p in projects] + [b["slug"] for b in selection["budgets"]]
    assert len(slugs) == len(set(slugs))

    assert set(collect["budget"]["places"]) == set(districts)
    assert {idea["theme"] for idea in collect["budget"]["ideas"]} <= themes
    assert {idea["theme"] for idea in collect["ideas"]["ideas"]} <= themes
    assert {idea["theme"] for idea in selection["ideas"]} <= themes
    assert set(selection["project"]["themes"]) <= themes

    closed, opened = consultation["closed"], consultation["open"]
    authors = [row["author"] for row in closed["arguments"]]
    for name in ("proposals", "versions", "arguments", "sources", "comments"):
        authors += [row["author"] for row in opened[name]]
    authors += [reply["author"] for row in opened["comments"] for reply in row.get("replies", [])]
    assert set(authors) <= usernames
    titles = {row["title"] for row in opened["proposals"]}
    amendments = {(row["article"], row["title"]) for row in opened["versions"]}
    for row in [*opened["arguments"], *opened["sources"]]:
        if "amendment" in row:
            assert (row["target"], row["amendment"]) in amendments, row
        elif not row["target"].startswith("Article "):
            assert row["target"] in titles, row
    assert {row["proposal"] for row in opened["comments"]} <= titles
    assert opened["proposals_section"] in {s["slug"] for s in opened["sections"]}
