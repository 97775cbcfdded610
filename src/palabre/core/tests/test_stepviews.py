"""The helpers every step kind's views share (``core/stepviews.py``)."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import Http404
from django.test import RequestFactory

from palabre.core import stepviews
from palabre.core.models import Project

from .factories import ProjectFactory, StepFactory, UserFactory

pytestmark = pytest.mark.django_db


def _request(method="get", path="/p/", data=None, user=None, **headers):
    request = getattr(RequestFactory(), method)(path, data or {}, **headers)
    request.user = user or AnonymousUser()
    for middleware in (SessionMiddleware, MessageMiddleware):  # the session, then messages
        middleware(lambda request: None).process_request(request)
    return request


def _next(response) -> str:
    return parse_qs(urlsplit(response["Location"]).query)["next"][0]


def test_resolve_step_answers_the_project_and_its_step():
    step = StepFactory(kind="presentation", slug="accueil")
    project, found = stepviews.resolve_step(_request(), step.project.slug, "accueil")
    assert (project, found) == (step.project, step)
    assert stepviews.resolve_step(_request(), project.slug, "accueil", "presentation")[1] == step


@pytest.mark.parametrize(
    "case",
    ["no such project", "no such step", "another kind", "draft project", "restricted project"],
)
def test_resolve_step_is_a_404_for_what_the_visitor_may_not_reach(case):
    step = StepFactory(kind="presentation", slug="accueil")
    slug, step_slug, kind = step.project.slug, "accueil", None
    if case == "no such project":
        slug = "nulle-part"
    elif case == "no such step":
        step_slug = "ailleurs"
    elif case == "another kind":
        kind = "consultation"
    else:
        Project.objects.filter(pk=step.project.pk).update(
            visibility=Project.Visibility.DRAFT
            if case == "draft project"
            else Project.Visibility.RESTRICTED
        )
    with pytest.raises(Http404):
        stepviews.resolve_step(_request(), slug, step_slug, kind)


def test_a_restricted_project_is_reached_by_a_listed_member():
    member = UserFactory()
    project = ProjectFactory(visibility=Project.Visibility.RESTRICTED)
    project.allowed_users.add(member)
    step = StepFactory(project=project, slug="accueil")
    assert stepviews.resolve_step(_request(user=member), project.slug, "accueil")[1] == step


def test_login_first_lets_a_signed_in_visitor_through():
    assert stepviews.login_first(_request(user=UserFactory()), "/ailleurs/") is None


def test_login_first_sends_a_visitor_to_log_in_with_a_message():
    request = _request()
    response = stepviews.login_first(request, "/retour/")
    assert response.status_code == 302
    assert _next(response) == "/retour/"
    assert [str(m) for m in get_messages(request)] == [
        "Connectez-vous ou créez un compte pour participer."
    ]
    request = _request()
    stepviews.login_first(request, "/retour/", "Connectez-vous pour voter.")
    assert [str(m) for m in get_messages(request)] == ["Connectez-vous pour voter."]


@pytest.mark.parametrize(
    ("posted", "expected"),
    [
        ("/projects/p/e/#vote", "/projects/p/e/#vote"),  # a path of this site: kept
        ("settings", "/retour/"),  # not a path: the fallback
        ("https://ailleurs.example/", "/retour/"),  # another site: the fallback
        ("//ailleurs.example/", "/retour/"),
        ("", "/retour/"),
    ],
)
def test_login_first_comes_back_to_the_posted_next_only_on_this_site(posted, expected):
    response = stepviews.login_first(_request("post", data={"next": posted}), "/retour/")
    assert _next(response) == expected


def test_login_first_tells_htmx_to_load_the_login_page_whole():
    response = stepviews.login_first(_request("post", HTTP_HX_REQUEST="true"), "/retour/")
    assert response.status_code == 204
    assert (
        urlsplit(response["HX-Redirect"]).path
        == urlsplit(stepviews.login_first(_request("post"), "/retour/")["Location"]).path
    )
    assert parse_qs(urlsplit(response["HX-Redirect"]).query)["next"] == ["/retour/"]
