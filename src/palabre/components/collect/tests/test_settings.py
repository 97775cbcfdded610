"""MAP_TILE_URL: the tile server's origin joins the CSP's img-src; empty means no tiles."""

import dataclasses

import pytest
from django.test import Client

from palabre.settings.env import ENV


@pytest.mark.parametrize(
    ("url", "origins"),
    [
        ("", []),
        (
            "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png",
            ["https://*.tile.openstreetmap.org"],
        ),
        ("http://tiles.example.org:8080/{z}/{x}/{y}.png", ["http://tiles.example.org:8080"]),
        ("javascript:alert(1)", []),
    ],
)
def test_tile_origins(url, origins):
    assert dataclasses.replace(ENV, map_tile_url=url).map_tile_origins == origins


@pytest.mark.django_db
def test_map_page_passes_the_tile_url(settings):
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "© Exemple"
    from palabre.components.collect import services
    from palabre.core.tests.factories import StepFactory

    step = StepFactory(kind="collect", slug="depot")
    services.collect_create(step=step)
    html = Client().get(f"{step.get_absolute_url()}proposals/map/").content.decode()
    assert 'data-tile-url="https://tiles.example.org/{z}/{x}/{y}.png"' in html
    assert 'data-tile-attribution="© Exemple"' in html
