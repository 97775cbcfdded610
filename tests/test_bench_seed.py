"""``bench/foundation_seed.py``: the foundation benchmark's generic projects, added after the
demo (benchmark seeding is not the product command's business), once."""

from __future__ import annotations

import importlib.util
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import CommandError, call_command

from palabre.core import selectors
from palabre.core.models import ActionLog, Project, Step

SCRIPT = Path(__file__).resolve().parents[1] / "bench" / "foundation_seed.py"


def foundation_seed():
    spec = importlib.util.spec_from_file_location("foundation_seed", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.django_db
def test_bench_projects_are_bulk_created_once_after_the_demo():
    call_command("load_demo", "--password", "test-demo-password", stdout=StringIO())
    demo_projects = Project.objects.count()
    seed = foundation_seed()
    logs = ActionLog.objects.count()
    assert seed.add_projects(12) == 12
    bench = Project.objects.filter(slug__startswith=seed.BENCH_PREFIX)
    assert bench.count() == 12 and Project.objects.count() == demo_projects + 12
    assert Step.objects.filter(project__in=bench).count() == 24
    assert ActionLog.objects.count() == logs + 1  # one row for the lot
    assert all(p.themes.count() == 1 and p.districts.count() == 1 for p in bench)
    statuses = {p.status for p in selectors.project_list(AnonymousUser()).filter(pk__in=bench)}
    assert statuses == {"open", "upcoming", "closed"}

    assert seed.add_projects(12) == 0  # a rerun adds none
    assert seed.add_projects(14) == 2
    assert Project.objects.filter(slug__startswith=seed.BENCH_PREFIX).count() == 14


@pytest.mark.django_db
def test_bench_seed_needs_the_demo_and_the_product_command_has_no_bench_option():
    with pytest.raises(SystemExit):
        foundation_seed().add_projects(3)
    assert not Project.objects.exists()
    with pytest.raises(CommandError):
        call_command("load_demo", "--projects", "3", stdout=StringIO())
