"""Full-text search of projects through an index on PostgreSQL.

``selectors._search`` filters on ``to_tsvector('french', title || summary || body)``: without
an index on that very expression, every search computed it for every project (a sequential
scan, 0.24 s for 1,000 projects, twice per page with the count). The index is built from the
same ``SearchVector`` so that its expression is the one the query uses. PostgreSQL only (the
SQLite fallback searches with ``icontains``); it is not part of the model state, so it is
created here rather than in ``Project.Meta.indexes``.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations


def _index():
    return GinIndex(
        SearchVector("title", "summary", "body", config="french"), name="project_search_fr"
    )


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("core", "Project"), _index())


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("core", "Project"), _index())


class Migration(migrations.Migration):
    dependencies = [("core", "0004_project_list_order")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
