"""Full-text search of projects can use its index (PostgreSQL), whatever the number of rows."""

import pytest
from django.contrib.postgres.search import SearchQuery
from django.db import connection

from palabre.core import selectors
from palabre.core.models import Project

from .factories import ProjectFactory

pytestmark = pytest.mark.django_db


def test_search_can_use_the_full_text_index():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL query plans")
    ProjectFactory.create_batch(3)
    with connection.cursor() as cursor:
        # A tiny table is read whole anyway: forbid reading it whole (in any order) to see
        # whether the index fits the search's expression (else every search computes it for
        # every project).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
    query = SearchQuery("jardin partagé", config="french", search_type="websearch")
    projects = Project.objects.annotate(search=selectors.search_vector()).order_by()
    plan = projects.filter(search=query)
    assert "project_search_fr" in plan.explain(), plan.explain()
