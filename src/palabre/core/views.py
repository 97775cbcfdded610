from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from . import components, health, phases, selectors, services, stepviews
from .forms import ProfileForm, ProjectFilterForm
from .models import District, Page, Theme
from .pagecache import anonymous_page_cache
from .params import local_url
from .stepviews import visible_project

PROJECTS_PER_PAGE = 24


@anonymous_page_cache
def home(request):
    def first(status, n):
        return list(selectors.project_list(request.user, status=status)[:n])

    open_projects = first(phases.Status.OPEN, 6)
    upcoming = first(phases.Status.UPCOMING, 3)
    closed = first(phases.Status.CLOSED, 3)
    selectors.with_theme_lists([*open_projects, *upcoming, *closed])  # one query for all
    return render(
        request,
        "core/home.html",
        {
            "open_projects": open_projects,
            "upcoming_projects": upcoming,
            "closed_projects": closed,
            "themes": selectors.taxonomy()["themes"][:12],
        },
    )


@anonymous_page_cache
def project_list(request):
    taxonomy = selectors.taxonomy()
    form = ProjectFilterForm(
        request.GET or None, themes=taxonomy["themes"], districts=taxonomy["districts"]
    )
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.project_list(
        request.user,
        theme=filters.get("theme", ""),
        district=filters.get("district", ""),
        status=filters.get("status", ""),
        search=filters.get("q", ""),
    )
    page = Paginator(qs, PROJECTS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "core/project_list.html",
        {
            "form": form,
            "page_obj": page,
            "projects": selectors.with_theme_lists(page.object_list),
            "query": query.urlencode(),
            "filtered": any(filters.values()) if filters else False,
        },
    )


@anonymous_page_cache
def project_detail(request, slug):
    project = visible_project(request, slug)
    return render(
        request,
        "core/project_detail.html",
        {"project": project, "steps": project.ordered_steps, "current": project.current_step},
    )


@anonymous_page_cache
def step_detail(request, slug, step_slug):
    project, step = stepviews.resolve_step(request, slug, step_slug)
    spec = step.kind_spec
    if spec is None:
        raise Http404(_("Ce type d'étape n'est pas disponible."))
    response = spec.render(request, project=project, step=step)
    # Kinds whose anonymous page is the same for every visitor declare ``cacheable``.
    response.page_cacheable = spec.cacheable
    return response


def _classified_projects(request, model, slug, name):
    """A theme's or a district's page: its description and its projects, paginated."""
    obj = get_object_or_404(model, slug=slug)
    projects = selectors.project_list(request.user, **{name: slug})
    page = Paginator(projects, PROJECTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        f"core/{name}_detail.html",
        {
            name: obj,
            "page_obj": page,
            "projects": selectors.with_theme_lists(page.object_list),
            "query": "",
        },
    )


@anonymous_page_cache
def theme_detail(request, slug):
    return _classified_projects(request, Theme, slug, "theme")


@anonymous_page_cache
def district_detail(request, slug):
    return _classified_projects(request, District, slug, "district")


@anonymous_page_cache
def page_detail(request, slug):
    page = get_object_or_404(Page, slug=slug)
    return render(request, "core/page_detail.html", {"page": page})


def page_by_kind(request, kind):
    page = Page.objects.filter(kind=kind).first()
    if page is None:
        raise Http404(_("Cette page n'a pas encore été rédigée."))
    return redirect(page)


def profile(request, username):
    try:
        user = selectors.public_profile(username)
    except selectors.User.DoesNotExist as exc:
        raise Http404(_("Profil introuvable.")) from exc
    return render(request, "core/profile.html", {"profile_user": user})


@login_required
@require_http_methods(["GET", "POST"])
def settings_profile(request):
    form = ProfileForm(request.POST or None, request.FILES or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.profile_update(user=request.user, data=form.cleaned_data)
        messages.success(request, _("Votre profil a été enregistré."))
        return redirect("settings_profile")
    return render(
        request,
        "core/settings_profile.html",
        {"form": form, "tabs": components.settings_tabs(), "active_tab": "settings_profile"},
    )


@login_required
def settings_account(request):
    return render(
        request,
        "core/settings_account.html",
        {"tabs": components.settings_tabs(), "active_tab": "settings_account"},
    )


@require_GET
@cache_control(public=True, max_age=300)
def organisation_css(request):
    org = selectors.organisation_context()["organisation"]
    css = render_to_string("core/organisation.css", {"organisation": org})
    return HttpResponse(css, content_type="text/css; charset=utf-8")


def _language_set(request, code):
    """Set the language cookie, save a signed-in visitor's language, go back to ``next``."""
    next_url = local_url(request, request.POST.get("next"), "/")
    if request.user.is_authenticated:
        services.user_set_language(user=request.user, language=code)
    response = redirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE or 365 * 24 * 3600,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=True,
    )
    return response


_language_set_checked = csrf_protect(_language_set)

# The fetch metadata a browser sends for a form of this very site (or an address typed in).
_SAME_ORIGIN_FETCH = frozenset({"same-origin", "none"})


@csrf_exempt  # checked in the view: Django's CSRF check for accounts, fetch metadata otherwise
@require_http_methods(["GET", "HEAD", "POST"])
def language_switch(request, code):
    """Switch the interface language: a POST from the header's form, as Django's
    ``set_language``; a GET only shows that form and changes nothing.

    Public pages are cached whole for anonymous visitors (``pagecache``), so the header's form
    carries a CSRF token only for a signed-in visitor, whose pages are never cached: a token in
    a shared page would be every visitor's. A signed-in visitor's switch also saves the
    account's language (for the emails sent to them): it goes through Django's CSRF check
    (``csrf_protect``). An anonymous visitor's switch writes nothing on the server, only a
    cookie in their own browser; a cross-site form is still refused when the browser says it
    is one (``Sec-Fetch-Site``), so another site cannot switch its visitors' language here.
    """
    if code not in dict(settings.LANGUAGES):
        raise Http404(_("Cette langue n'est pas proposée."))
    if request.method != "POST":
        next_url = local_url(request, request.GET.get("next"), "/")
        return render(request, "core/language_switch.html", {"code": code, "next": next_url})
    if request.user.is_authenticated:
        return _language_set_checked(request, code)
    if request.META.get("HTTP_SEC_FETCH_SITE", "none") not in _SAME_ORIGIN_FETCH:
        return HttpResponseForbidden(
            render_to_string(
                "403.html",
                {"reason": _("Changez de langue depuis les pages du site.")},
                request=request,
            )
        )
    return _language_set(request, code)


@require_GET
def healthz(request):
    """Answered by ``health.HealthCheckMiddleware`` before reaching here (kept for ``reverse``
    and for a stack without that middleware)."""
    return health.healthz(request)


def trivial(request):
    """The benchmark's baseline: a trivial view behind the same middleware."""
    return HttpResponse("ok", content_type="text/plain")
