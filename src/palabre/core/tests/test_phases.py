import io
from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from palabre.core import phases
from palabre.core.models import Project, Step

from .factories import ProjectFactory, StepFactory

NOW = timezone.now()
offsets = st.one_of(st.none(), st.integers(min_value=-1000, max_value=1000))


def _at(offset):
    return None if offset is None else NOW + timedelta(hours=offset)


@given(start=offsets, end=offsets)
def test_status_between_partitions_time(start, end):
    status = phases.status_between(_at(start), _at(end), NOW)
    if start is not None and start > 0:
        assert status == phases.Status.UPCOMING
    elif end is not None and end < 0:
        assert status == phases.Status.CLOSED
    else:
        assert status == phases.Status.OPEN


def test_bounds_are_inclusive():
    assert phases.status_between(NOW, NOW, NOW) == phases.Status.OPEN


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("ranges", "expected"),
    [
        ([(-10, -5), (-4, 5), (6, 10)], "open"),
        ([(2, 5), (6, 10)], "upcoming"),
        ([(-10, -5), (-4, -1)], "closed"),
        ([(-10, -5), (-4, None)], "open"),  # an open-ended last step keeps it open
        ([(-10, -5), (-4, -2), (1, 3)], "open"),  # between two steps: still running
    ],
)
def test_project_status_sql_matches_python(ranges, expected):
    project = ProjectFactory()
    for i, (start, end) in enumerate(ranges):
        StepFactory(
            project=project,
            position=i,
            starts_at=NOW + timedelta(days=start),
            ends_at=None if end is None else NOW + timedelta(days=end),
        )
    fresh = Project.objects.get(pk=project.pk)
    assert fresh.status == expected
    for status in phases.Status:
        matched = Project.objects.filter(phases.project_status_q(status), pk=project.pk).exists()
        assert matched == (status == expected), status


@pytest.mark.django_db
def test_project_dates_follow_step_changes_and_drift_is_repaired():
    from django.core.management import call_command

    project = ProjectFactory()
    assert Project.objects.get(pk=project.pk).status == ""
    step = StepFactory(
        project=project, starts_at=NOW + timedelta(days=2), ends_at=NOW + timedelta(days=4)
    )
    assert Project.objects.get(pk=project.pk).status == "upcoming"
    step.starts_at = NOW - timedelta(days=1)
    step.save()
    assert Project.objects.get(pk=project.pk).status == "open"
    Project.objects.filter(pk=project.pk).update(step_count=7)  # drift
    with pytest.raises(Exception, match="drift"):
        call_command("recompute_counters", "--check", stdout=io.StringIO())
    call_command("recompute_counters", stdout=io.StringIO())
    assert Project.objects.get(pk=project.pk).step_count == 1
    step.delete()
    assert Project.objects.get(pk=project.pk).status == ""


@pytest.mark.django_db
def test_step_status_filter_matches_property():
    project = ProjectFactory()
    steps = [
        StepFactory(
            project=project, starts_at=NOW - timedelta(days=5), ends_at=NOW - timedelta(days=1)
        ),
        StepFactory(
            project=project, starts_at=NOW - timedelta(days=1), ends_at=NOW + timedelta(days=1)
        ),
        StepFactory(project=project, starts_at=NOW + timedelta(days=1), ends_at=None),
        StepFactory(project=project, starts_at=None, ends_at=None),
    ]
    for status in phases.Status:
        in_sql = set(Step.objects.filter(phases.status_q(status)).values_list("pk", flat=True))
        in_python = {s.pk for s in steps if s.status == status}
        assert in_sql == in_python, status


@pytest.mark.django_db
def test_current_step_prefers_open_then_upcoming():
    project = ProjectFactory()
    closed = StepFactory(
        project=project,
        position=0,
        starts_at=NOW - timedelta(days=9),
        ends_at=NOW - timedelta(days=5),
    )
    upcoming = StepFactory(
        project=project,
        position=2,
        starts_at=NOW + timedelta(days=5),
        ends_at=NOW + timedelta(days=9),
    )
    assert Project.objects.get(pk=project.pk).current_step == upcoming
    opened = StepFactory(
        project=project,
        position=1,
        starts_at=NOW - timedelta(days=1),
        ends_at=NOW + timedelta(days=1),
    )
    assert Project.objects.get(pk=project.pk).current_step == opened
    assert closed.status == "closed"
