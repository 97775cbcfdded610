"""What every step kind's pages share: the step of a URL, and a visitor sent to log in first.

A component's page under its step (``…/<slug>/<step-slug>/…``) starts with ``resolve_step``:
the project and the step, or a 404 when the visitor may not see the project, the step does
not exist or is of another kind. Nothing here answers with a refusal page: a project one may
not see is a 404, so a view has only the happy path to write (no refusal to catch and return).

A page or a form that needs an account starts with ``login_first``, which answers ``None``
for a signed-in visitor, else the response that sends them to log in and come back.

Ids in a component's URLs are read by the ``<id:…>`` path converter (``core/params.py``:
ASCII digits within the key range, else no route matches: a 404); an id in a form field or
the query string by ``core.params.id_or_404``. No view parses an id by hand.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _

from . import permissions, selectors
from .models import Project, Step
from .params import local_url


def project_visible_or_404(user, project) -> None:
    """Raise 404 unless ``user`` may see ``project`` (``permissions.project_view``).

    A draft, a project not yet published and a restricted project the visitor is not listed
    for all answer 404, to anonymous visitors too: a 403, or a redirect to the login page,
    would tell whoever asks that the project exists (GitHub answers 404 for a private
    repository in the same way). The 404 page offers anonymous visitors to log in, on every
    missing page alike, so a member following a link still gets in, and nobody else learns
    anything.
    """
    if not permissions.project_view(user, project):
        raise Http404(_("Projet introuvable."))


def visible_project(request, slug: str) -> Project:
    """The project of ``slug`` (``selectors.project_detail``: its steps, themes, districts),
    if the visitor may see it; else 404."""
    try:
        project = selectors.project_detail(slug)
    except Project.DoesNotExist as exc:
        raise Http404(_("Projet introuvable.")) from exc
    project_visible_or_404(request.user, project)
    return project


def resolve_step(request, slug: str, step_slug: str, kind: str | None = None) -> tuple:
    """``(project, step)``: the step ``step_slug`` of the project ``slug``, of ``kind`` when
    given, if the visitor may see the project; else 404 (``visible_project``)."""
    project = visible_project(request, slug)
    step: Step | None = next((s for s in project.ordered_steps if s.slug == step_slug), None)
    if step is None or (kind is not None and step.kind != kind):
        raise Http404(_("Étape introuvable."))
    return project, step


def is_htmx(request) -> bool:
    """The request was sent by htmx (``HX-Request``), which swaps the answer into the page."""
    # From META: ``request.headers`` would copy every header for this one.
    return request.META.get("HTTP_HX_REQUEST") == "true"


def login_first(request, fallback: str, message: str | None = None) -> HttpResponse | None:
    """``None`` for a signed-in visitor; else the answer that sends them to log in.

    ``message`` (by default « Connectez-vous ou créez un compte pour participer. ») is shown
    on the login page; once logged in, the visitor comes back to the posted ``next`` when it
    is a path of this site (a form sent from a page says where it was), else to ``fallback``.
    An htmx request gets no redirect to swap into the page but a ``204`` with
    ``HX-Redirect``: htmx then loads the login page as a whole page.
    """
    if request.user.is_authenticated:
        return None
    if message is None:
        message = _("Connectez-vous ou créez un compte pour participer.")
    messages.info(request, message)
    response = redirect_to_login(local_url(request, request.POST.get("next"), fallback))
    if is_htmx(request):
        answer = HttpResponse(status=204)
        answer["HX-Redirect"] = response["Location"]
        return answer
    return response
