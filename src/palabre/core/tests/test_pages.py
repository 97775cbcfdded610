"""Public pages: content, filters, visibility and a query count that does not grow."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from palabre.core.models import Organisation, Project

from .factories import (
    DistrictFactory,
    PageFactory,
    ProjectFactory,
    StepFactory,
    ThemeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
NOW = timezone.now()


def _seed(n, themes, districts):
    for i in range(n):
        project = ProjectFactory(themes=themes, districts=districts)
        StepFactory(
            project=project,
            position=0,
            starts_at=NOW - timedelta(days=10),
            ends_at=NOW - timedelta(days=5),
        )
        StepFactory(
            project=project,
            position=1,
            starts_at=NOW - timedelta(days=1) if i % 3 else NOW + timedelta(days=2),
            ends_at=NOW + timedelta(days=9),
        )


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/", "/projects/", "/projects/?status=open", "/themes/theme-x/"])
def test_list_pages_query_count_does_not_grow(client, url):
    themes = [ThemeFactory(slug="theme-x"), ThemeFactory()]
    districts = [DistrictFactory()]
    PageFactory(kind="legal")
    _seed(5, themes, districts)
    _queries(client, url)  # warm the organisation cache and content types
    few = _queries(client, url)
    _seed(45, themes, districts)
    many = _queries(client, url)
    assert few == many, f"{url}: {few} queries with 5 projects, {many} with 50"
    assert many <= 10


def test_project_page_query_count_does_not_grow_with_steps(client):
    project = ProjectFactory(themes=[ThemeFactory()], districts=[DistrictFactory()])
    StepFactory(project=project)
    url = project.get_absolute_url()
    _queries(client, url)
    few = _queries(client, url)
    for _ in range(20):
        StepFactory(project=project)
    assert _queries(client, url) == few


def test_home_shows_open_projects_and_themes(client):
    theme = ThemeFactory(name="Mobilité douce")
    _seed(3, [theme], [])
    response = client.get("/")
    html = response.content.decode()
    assert "Mobilité douce" in html
    assert html.count('class="card project-card"') == 3
    assert html.count("<h1") == 1


def test_project_list_filters_by_theme_district_status_and_search(client):
    velo, ecole = ThemeFactory(slug="velo"), ThemeFactory(slug="ecole")
    nord = DistrictFactory(slug="nord")
    a = ProjectFactory(title="Pistes cyclables du quai", themes=[velo], districts=[nord])
    StepFactory(project=a)
    b = ProjectFactory(title="Cour d'école végétalisée", themes=[ecole])
    StepFactory(project=b, starts_at=NOW + timedelta(days=3), ends_at=NOW + timedelta(days=6))

    def titles(query):
        return [p.title for p in client.get("/projects/" + query).context["projects"]]

    assert titles("?theme=velo") == [a.title]
    assert titles("?district=nord") == [a.title]
    assert titles("?status=upcoming") == [b.title]
    assert titles("?status=open") == [a.title]
    assert titles("?q=cyclables") == [a.title]
    assert titles("?q=inexistant") == []
    assert set(titles("")) == {a.title, b.title}
    # An unknown filter value is ignored with the form's error, not a crash.
    assert client.get("/projects/?theme=nope").status_code == 200


def test_project_page_shows_timeline_and_highlights_current_step(client):
    project = ProjectFactory(body="<p>Un <strong>beau</strong> projet</p><script>alert(1)</script>")
    StepFactory(
        project=project,
        position=0,
        title="Diagnostic",
        starts_at=NOW - timedelta(days=9),
        ends_at=NOW - timedelta(days=5),
    )
    current = StepFactory(project=project, position=1, title="Ateliers", slug="ateliers")
    html = client.get(project.get_absolute_url()).content.decode()
    assert "Diagnostic" in html and "Ateliers" in html
    assert "timeline__step--current" in html
    assert "<strong>beau</strong>" in html
    assert "<script>alert(1)</script>" not in html
    step_html = client.get(current.get_absolute_url()).content.decode()
    assert 'aria-current="step"' in step_html
    assert step_html.count("<h1") == 1


def test_unknown_step_and_project_are_404(client):
    project = ProjectFactory()
    assert client.get("/projects/nope/").status_code == 404
    assert client.get(f"/projects/{project.slug}/nope/").status_code == 404


def test_draft_and_future_projects_are_hidden_from_public(client):
    draft = ProjectFactory(visibility=Project.Visibility.DRAFT)
    future = ProjectFactory(published_at=NOW + timedelta(days=2))
    shown = ProjectFactory()
    listed = [p.pk for p in client.get("/projects/").context["projects"]]
    assert listed == [shown.pk]
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(future.get_absolute_url()).status_code == 404
    admin = UserFactory(role="administrator", is_staff=True)
    client.force_login(admin)
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_restricted_project_visible_to_listed_users_and_groups_only(client):
    project = ProjectFactory(visibility=Project.Visibility.RESTRICTED)
    step = StepFactory(project=project, position=0)
    member, listed, other = UserFactory(), UserFactory(), UserFactory()
    group = Group.objects.create(name="Conseil citoyen")
    member.groups.add(group)
    project.allowed_groups.add(group)
    project.allowed_users.add(listed)
    url = project.get_absolute_url()

    # A visitor who may not see it gets the same 404 as for a project that does not exist:
    # neither a 403 nor a redirect to the login page tells that it is there.
    missing = client.get("/projects/nothing-here/")
    for path in (url, step.get_absolute_url()):
        response = client.get(path)
        assert response.status_code == 404, path
        assert project.title not in response.content.decode()
    # The 404 page offers every anonymous visitor to log in and come back (a member included).
    assert f"/accounts/login/?next={url}" in client.get(url).content.decode()
    assert "/accounts/login/?next=/projects/nothing-here/" in missing.content.decode()
    assert len(client.get("/projects/").context["projects"]) == 0
    for user, status in [(member, 200), (listed, 200), (other, 404)]:
        client.force_login(user)
        assert client.get(url).status_code == status
        assert client.get(step.get_absolute_url()).status_code == status
        count = len(client.get("/projects/").context["projects"])
        assert count == (1 if status == 200 else 0)


def test_theme_district_and_legal_pages(client):
    theme = ThemeFactory(name="Environnement", description="<p>Air, eau</p>")
    district = DistrictFactory(name="Les Tanneurs")
    ProjectFactory(title="Parc des Tanneurs", themes=[theme], districts=[district])
    page = PageFactory(title="Mentions légales", kind="legal", body="<h2>Éditeur</h2><p>Ville</p>")
    assert "Parc des Tanneurs" in client.get(theme.get_absolute_url()).content.decode()
    assert "Parc des Tanneurs" in client.get(district.get_absolute_url()).content.decode()
    html = client.get(page.get_absolute_url()).content.decode()
    assert "<h2>Éditeur</h2>" in html
    assert "Mentions légales" in client.get("/").content.decode()  # footer link
    charter = PageFactory(kind="charter")
    assert client.get("/charter/")["Location"] == charter.get_absolute_url()


def test_organisation_colours_become_css_variables_with_readable_contrast(client):
    org = Organisation.load()
    org.primary_colour = "#ffeb3b"  # a yellow that white text cannot sit on
    org.save()
    css = client.get("/organisation.css").content.decode()
    assert "--primary: #ffeb3b" in css
    assert "--on-primary: #111111" in css
    assert "--primary-text: #ffeb3b" not in css  # darkened for links on white


def test_profile_page_is_public_and_hides_zip_code(client):
    user = UserFactory(username="yasmine", bio="Habitante du quartier", zip_code="75011")
    html = client.get("/profile/yasmine/").content.decode()
    assert "Habitante du quartier" in html
    assert "75011" not in html
    assert client.get("/profile/nobody/").status_code == 404
    user.is_active = False
    user.save()
    assert client.get("/profile/yasmine/").status_code == 404


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content.startswith(b"ok")


def test_language_switch_by_get_changes_nothing_and_post_does(client):
    user = UserFactory(language="fr")
    # A GET (a link, a prefetch, a crawler) only shows the form.
    response = client.get("/language/en/?next=/projects/")
    assert response.status_code == 200
    assert "django_language" not in response.cookies
    html = response.content.decode()
    assert 'method="post" action="/language/en/"' in html
    assert 'name="next" value="/projects/"' in html
    client.force_login(user)
    assert client.get("/language/en/?next=/").status_code == 200
    user.refresh_from_db()
    assert user.language == "fr"
    client.logout()

    # A POST switches, and goes back only to a page of this site.
    response = client.post("/language/en/", {"next": "/projects/"})
    assert response.status_code == 302 and response["Location"] == "/projects/"
    assert response.cookies["django_language"].value == "en"
    response = client.post("/language/en/", {"next": "https://evil.example.com/"})
    assert response["Location"] == "/"
    response = client.post("/language/xx/", {"next": "/"})
    assert response.status_code == 404 and "django_language" not in response.cookies
    assert client.get("/language/xx/").status_code == 404
    # Django's set_language is gone: one way to switch, the one that saves the account's choice.
    assert client.post("/i18n/setlang/", {"language": "en"}).status_code == 404

    # A signed-in visitor's switch saves the account's language.
    client.force_login(user)
    response = client.post("/language/en/", {"next": "/"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "en"


def test_language_switch_checks_csrf_for_accounts_and_the_origin_for_anonymous_visitors():
    from django.test import Client

    user = UserFactory(language="fr")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    # Without the token (a form on another site): refused, nothing saved.
    assert browser.post("/language/en/", {"next": "/"}).status_code == 403
    user.refresh_from_db()
    assert user.language == "fr"
    # With the token of the header's form (signed-in pages are never cached): saved.
    page = browser.get("/").content.decode()
    form = page[page.index('class="lang-switch__form"') :]
    token = form.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    response = browser.post("/language/en/", {"next": "/", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "en"

    # An anonymous switch writes nothing but a cookie: no token, but a form on another site
    # is refused when the browser says where the form came from.
    anonymous = Client(enforce_csrf_checks=True)
    response = anonymous.post(
        "/language/en/", {"next": "/"}, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert response.status_code == 403 and "django_language" not in response.cookies
    response = anonymous.post(
        "/language/en/", {"next": "/"}, headers={"Sec-Fetch-Site": "same-origin"}
    )
    assert response.status_code == 302 and response.cookies["django_language"].value == "en"


def test_header_language_form_carries_no_token_in_a_shared_page(client, settings):
    settings.PAGE_CACHE_SECONDS = 60
    for path in ("/", "/projects/"):
        response = client.get(path)
        html = response.content.decode()
        assert response["X-Page-Cache"] == "miss" and "csrftoken" not in response.cookies
        assert '<form class="lang-switch__form" method="post" action="/language/en/">' in html
        assert f'<input type="hidden" name="next" value="{path}">' in html
        assert '<button type="submit" class="link-button" lang="en">English</button>' in html
        assert "csrfmiddlewaretoken" not in html


def test_trivial_view_is_served_only_when_the_benchmark_asks(client, settings, monkeypatch):
    """The URLconf with the setting on is built as a module of the test's own (``palabre.urls``
    executed afresh under another name) and used through ``ROOT_URLCONF``: ``palabre.urls``
    itself is never reloaded, so no other test can see it changed."""
    import importlib.util
    import sys

    from palabre import urls

    assert client.get("/__trivial__").status_code == 404
    settings.BENCHMARK_TRIVIAL_VIEW = True
    name = "palabre_urls_with_benchmark_view"
    spec = importlib.util.spec_from_file_location(name, urls.__file__)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setitem(sys.modules, name, module)
    settings.ROOT_URLCONF = name  # Django clears its URL caches when this setting changes
    response = client.get("/__trivial__")
    assert response.status_code == 200 and response.content == b"ok"
    assert not [p for p in urls.urlpatterns if str(p.pattern) == "__trivial__"]


def test_favicon_is_served_at_the_root_and_linked(client):
    import io

    from PIL import Image

    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
    body = b"".join(response.streaming_content) if response.streaming else response.content
    icon = Image.open(io.BytesIO(body))
    assert icon.format == "ICO" and (32, 32) in icon.info["sizes"]
    html = client.get("/").content.decode()
    assert '<link rel="icon" href="/favicon.ico"' in html
    svg = html.split('<link rel="icon" href="', 2)[2].split('"', 1)[0]
    assert svg.endswith(".svg")
    response = client.get(svg)
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"


def test_anonymous_page_cache_serves_until_content_changes(
    client, settings, django_capture_on_commit_callbacks
):
    from palabre.core import services

    settings.PAGE_CACHE_SECONDS = 60
    theme = ThemeFactory(name="Culture")
    ProjectFactory(title="Premier projet", themes=[theme])
    first = client.get("/projects/")
    assert first["X-Page-Cache"] == "miss" and "csrftoken" not in first.cookies
    assert client.get("/projects/")["X-Page-Cache"] == "hit"
    # Another language is another page.
    client.cookies["django_language"] = "en"
    assert client.get("/projects/")["X-Page-Cache"] == "miss"
    del client.cookies["django_language"]
    # An organiser's change through the services invalidates every cached page.
    new = ProjectFactory.build(title="Nouveau projet", slug="nouveau")
    with django_capture_on_commit_callbacks(execute=True):
        services.content_save(actor=None, obj=new, created=True)
    response = client.get("/projects/")
    assert response["X-Page-Cache"] == "miss" and "Nouveau projet" in response.content.decode()
    # Logged-in visitors never get the shared page.
    client.force_login(UserFactory())
    assert "X-Page-Cache" not in client.get("/projects/")
