import html
import random
import re

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from palabre.core import limits, ratelimit
from palabre.core.pagecache import anonymous_page_cache
from palabre.core.params import id_or_404, parse_int
from palabre.core.params import redirect_back as _back
from palabre.core.views import resolve_step

from . import permissions, selectors, services
from .diff import word_diff
from .forms import (
    ArgumentForm,
    OpinionForm,
    SortForm,
    SourceForm,
    VersionForm,
    plain_to_html,
)
from .models import Argument, Opinion, Section, Source, Version, VoteValue

OPINIONS_PER_PAGE = 20
ARGUMENTS_PER_PAGE = 20
SEED_KEY = "consultation_seed"
SEEDS = 16  # distinct random orders of a section (one cached page each)


def _context(request, project, step, **extra):
    consultation = selectors.consultation_for_step(step)
    return {
        "project": project,
        "step": step,
        "steps": project.ordered_steps,
        "consultation": consultation,
        **extra,
    }


def step_view(request, *, project, step):
    """The consultation's home: intro, statistics, sections with their counts."""
    consultation = selectors.consultation_for_step(step)
    return render(
        request,
        "consultation/step.html",
        _context(
            request,
            project,
            step,
            sections=selectors.section_tree(consultation),
            stats=selectors.statistics(consultation),
        ),
    )


def _resolve(request, slug, step_slug):
    project, step, refusal = resolve_step(request, slug, step_slug, kind="consultation")
    if refusal:
        raise _Refusal(refusal)
    return project, step


class _Refusal(Exception):
    def __init__(self, response):
        self.response = response


def _refusals(view):
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except _Refusal as refusal:
            return refusal.response

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _section(step, section_slug) -> Section:
    section = (
        Section.objects.select_related("consultation")
        .filter(consultation__step=step, slug=section_slug)
        .first()
    )
    if section is None:
        raise Http404(_("Section introuvable."))
    section.consultation.step = step
    return section


_pk = id_or_404  # an id from the URL or a form field; anything else is a 404, not a 500


def _opinion(step, pk) -> Opinion:
    try:
        opinion = selectors.opinion_detail(step, _pk(pk))
    except Opinion.DoesNotExist as exc:
        raise Http404(_("Proposition introuvable.")) from exc
    opinion.section.consultation.step = step
    return opinion


def _seed(request) -> tuple[int, bool]:
    """A per-visitor seed in a cookie (no session row): random order, stable for a visitor.

    One of ``SEEDS`` orders, so that anonymous visitors' section pages are cached once per
    order (``_seed_variant``) rather than rendered for each visitor.
    """
    if getattr(request, "consultation_seed", None):
        return request.consultation_seed, False
    seed = parse_int(request.COOKIES.get(SEED_KEY), minimum=1, maximum=SEEDS)
    if seed is not None:
        return seed, False
    return random.randint(1, SEEDS), True  # noqa: S311 - an ordering, not a secret


def _seed_cookie(request, seed: int) -> tuple[str, dict]:
    options = {"max_age": 30 * 24 * 3600, "samesite": "Lax", "httponly": True}
    return str(seed), {**options, "secure": request.is_secure()}


def _seed_variant(request):
    """The page cache's variant of a section page: the visitor's seed (a new one is set)."""
    seed, new = _seed(request)
    request.consultation_seed = seed
    return str(seed), ({SEED_KEY: _seed_cookie(request, seed)} if new else {})


@anonymous_page_cache(variant=_seed_variant)
@_refusals
def section_view(request, slug, step_slug, section_slug):
    project, step = _resolve(request, slug, step_slug)
    section = _section(step, section_slug)
    form = SortForm(request.GET or None)
    sort = (form.cleaned_data.get("sort") if form.is_valid() else "") or section.default_sort
    form = SortForm(initial={"sort": sort})
    seed, new_seed = _seed(request)
    opinions = selectors.section_opinions(section, sort=sort, seed=seed)
    page = _CountedPaginator(opinions, OPINIONS_PER_PAGE, section.opinions_count).get_page(
        request.GET.get("page")
    )
    mine = selectors.my_values(request.user, selectors.OpinionVote, "opinion", page.object_list)
    for opinion in page.object_list:
        opinion.section = section
        opinion.my_vote = mine.get(opinion.pk)
    response = render(
        request,
        "consultation/section.html",
        _context(
            request,
            project,
            step,
            section=section,
            page_obj=page,
            opinions=page.object_list,
            sort_form=form,
            query=f"sort={sort}",
            can_propose=permissions.opinion_create(request.user, section),
        ),
    )
    if new_seed:
        value, options = _seed_cookie(request, seed)
        response.set_cookie(SEED_KEY, value, **options)
    return response


class _CountedPaginator(Paginator):
    """A paginator told its count: the parent's stored counter of the same published rows
    (house rule 5), instead of a ``COUNT(*)`` on a large table for every page view."""

    def __init__(self, object_list, per_page, count: int):
        super().__init__(object_list, per_page)
        self.count = count


def _paginate(request, qs, param, count: int):
    return _CountedPaginator(qs, ARGUMENTS_PER_PAGE, count).get_page(request.GET.get(param))


def _parent_context(request, parent, section):
    args_for = _paginate(
        request, selectors.arguments(parent, "for"), "pour", parent.arguments_for_count
    )
    args_against = _paginate(
        request, selectors.arguments(parent, "against"), "contre", parent.arguments_against_count
    )
    source_page = _paginate(request, selectors.sources(parent), "sources", parent.sources_count)
    small = [*args_for.object_list, *args_against.object_list, *source_page.object_list]
    voted_args, voted_sources = selectors.my_small_votes(request.user, small)
    for obj in small:
        obj.my_vote = obj.pk in (voted_args if isinstance(obj, Argument) else voted_sources)
    return {
        "arguments_for": args_for,
        "arguments_against": args_against,
        "sources_page": source_page,
        # Both forms are on the page and both have a "body": distinct ids, one label each.
        "argument_form": ArgumentForm(auto_id="id_argument_%s"),
        "source_form": SourceForm(auto_id="id_source_%s"),
        "can_argue": permissions.argument_create(request.user, parent),
        "can_source": permissions.source_create(request.user, parent),
        "can_vote": permissions.vote(request.user, section),
        "can_small_vote": permissions.small_vote(request.user, parent),
        "can_edit": permissions.contribution_edit(request.user, parent),
        "vote_values": VoteValue,
    }


@anonymous_page_cache
@_refusals
def opinion_view(request, slug, step_slug, pk):
    project, step = _resolve(request, slug, step_slug)
    opinion = _opinion(step, pk)
    section = opinion.section
    opinion.my_vote = selectors.my_values(
        request.user, selectors.OpinionVote, "opinion", [opinion]
    ).get(opinion.pk)
    versions = _paginate(
        request, selectors.versions(opinion), "amendements", opinion.versions_count
    )
    return render(
        request,
        "consultation/opinion.html",
        _context(
            request,
            project,
            step,
            section=section,
            opinion=opinion,
            target=opinion,
            versions=versions.object_list,
            versions_page=versions,
            can_amend=permissions.version_create(request.user, opinion),
            **_parent_context(request, opinion, section),
        ),
    )


@anonymous_page_cache
@_refusals
def version_view(request, slug, step_slug, pk, version_pk):
    project, step = _resolve(request, slug, step_slug)
    opinion = _opinion(step, pk)
    if opinion.is_trashed:
        # The diff, the kicker and the breadcrumbs would show the moderated text and title:
        # the opinion's page shows the public reason instead.
        return redirect(opinion.get_absolute_url())
    try:
        version = selectors.version_detail(opinion, version_pk)
    except Version.DoesNotExist as exc:
        raise Http404(_("Amendement introuvable.")) from exc
    version.opinion = opinion
    version.my_vote = selectors.my_values(
        request.user, selectors.VersionVote, "version", [version]
    ).get(version.pk)
    return render(
        request,
        "consultation/version.html",
        _context(
            request,
            project,
            step,
            section=opinion.section,
            opinion=opinion,
            version=version,
            target=version,
            diff=word_diff(opinion.body, version.body),
            **_parent_context(request, version, opinion.section),
        ),
    )


def _login_first(request, fallback):
    if not request.user.is_authenticated:
        messages.info(request, _("Connectez-vous ou créez un compte pour participer."))
        return redirect_to_login(request.POST.get("next") or fallback)
    return None


def _voter_first(request, fallback):
    """Before any vote: a visitor is sent to log in, a participant over the vote rate limit
    gets the 429 page (back to ``fallback``); ``None`` when the vote may go on."""
    if response := _login_first(request, fallback):
        return response
    if limited := ratelimit.vote(request.user):
        return ratelimit.too_many(request, limited, back=fallback)
    return None


def _refused(request, exc: ValidationError):
    for message in exc.messages:
        messages.error(request, message)


# Whole sentences per kind: French agrees "publié" with the noun, translators need sentences.
def _published_or_pending(request, obj):
    published, pending = {
        Opinion: (
            _("Proposition publiée."),
            _(
                "Proposition enregistrée : elle sera publiée dès que vous aurez confirmé votre "
                "adresse e-mail (lien reçu par e-mail)."
            ),
        ),
        Version: (
            _("Amendement publié."),
            _(
                "Amendement enregistré : il sera publié dès que vous aurez confirmé votre "
                "adresse e-mail (lien reçu par e-mail)."
            ),
        ),
        Argument: (
            _("Argument publié."),
            _(
                "Argument enregistré : il sera publié dès que vous aurez confirmé votre "
                "adresse e-mail (lien reçu par e-mail)."
            ),
        ),
        Source: (
            _("Source publiée."),
            _(
                "Source enregistrée : elle sera publiée dès que vous aurez confirmé votre "
                "adresse e-mail (lien reçu par e-mail)."
            ),
        ),
    }[type(obj)]
    if obj.published:
        messages.success(request, published)
    else:
        messages.warning(request, pending)


@_refusals
@require_POST
def opinion_vote_view(request, slug, step_slug, pk):
    project, step = _resolve(request, slug, step_slug)
    opinion = _opinion(step, pk)
    if response := _voter_first(request, opinion.get_absolute_url()):
        return response
    value = request.POST.get("value") or None
    try:
        services.opinion_vote(user=request.user, opinion=opinion, value=value)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(
            request, _("Votre vote est enregistré.") if value else _("Votre vote est retiré.")
        )
    return _back(request, opinion.get_absolute_url())


@_refusals
@require_POST
def version_vote_view(request, slug, step_slug, pk, version_pk):
    project, step = _resolve(request, slug, step_slug)
    opinion = _opinion(step, pk)
    version = Version.objects.filter(opinion=opinion, pk=version_pk).first()
    if version is None:
        raise Http404
    version.opinion = opinion
    if response := _voter_first(request, version.get_absolute_url()):
        return response
    value = request.POST.get("value") or None
    try:
        services.version_vote(user=request.user, version=version, value=value)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(
            request, _("Votre vote est enregistré.") if value else _("Votre vote est retiré.")
        )
    return _back(request, version.get_absolute_url())


def _parent_from_post(request, step):
    opinion = _opinion(step, request.POST.get("opinion") or request.GET.get("opinion") or 0)
    version_pk = request.POST.get("version") or request.GET.get("version")
    if version_pk:
        version = Version.objects.filter(
            opinion=opinion, pk=_pk(version_pk), published=True
        ).first()
        if version is None:
            raise Http404
        version.opinion = opinion
        return version
    return opinion


@_refusals
@require_http_methods(["GET", "POST"])
def argument_create_view(request, slug, step_slug):
    project, step = _resolve(request, slug, step_slug)
    parent = _parent_from_post(request, step)
    if response := _login_first(request, parent.get_absolute_url()):
        return response
    form = ArgumentForm(request.POST or None, initial={"kind": request.GET.get("kind")})
    if request.method == "POST" and form.is_valid():
        try:
            argument = services.argument_create(
                author=request.user, parent=parent, **form.cleaned_data
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            _published_or_pending(request, argument)
            return redirect(argument.get_absolute_url())
    return render(
        request,
        "consultation/form.html",
        _context(
            request,
            project,
            step,
            form=form,
            parent=parent,
            title=_("Ajouter un argument"),
            hidden={
                "opinion": parent.opinion_id if isinstance(parent, Version) else parent.pk,
                "version": parent.pk if isinstance(parent, Version) else "",
            },
        ),
        status=400 if request.method == "POST" else 200,
    )


@_refusals
@require_http_methods(["GET", "POST"])
def source_create_view(request, slug, step_slug):
    project, step = _resolve(request, slug, step_slug)
    parent = _parent_from_post(request, step)
    if response := _login_first(request, parent.get_absolute_url()):
        return response
    form = SourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            source = services.source_create(author=request.user, parent=parent, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            _published_or_pending(request, source)
            return redirect(source.get_absolute_url())
    return render(
        request,
        "consultation/form.html",
        _context(
            request,
            project,
            step,
            form=form,
            parent=parent,
            title=_("Ajouter une source"),
            hidden={
                "opinion": parent.opinion_id if isinstance(parent, Version) else parent.pk,
                "version": parent.pk if isinstance(parent, Version) else "",
            },
        ),
        status=400 if request.method == "POST" else 200,
    )


def _plain(body_html: str) -> str:
    """The text of a body as a participant typed it: paragraphs separated by a blank line,
    line breaks kept, entities decoded (``plain_to_html`` escapes on the way back)."""
    text = re.sub(r"(?i)<br\s*/?>", "\n", body_html or "")
    text = re.sub(r"(?i)</(p|li|h[1-6]|blockquote)>", "\n\n", text)
    text = html.unescape(strip_tags(text)).replace("\r\n", "\n")
    paragraphs = ("\n".join(line.strip() for line in p.split("\n")) for p in text.split("\n\n"))
    return "\n\n".join(p.strip() for p in paragraphs if p.strip())


def _add_errors(form, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@_refusals
@require_http_methods(["GET", "POST"])
def opinion_create_view(request, slug, step_slug, section_slug):
    project, step = _resolve(request, slug, step_slug)
    section = _section(step, section_slug)
    if response := _login_first(request, section.get_absolute_url()):
        return response
    decision = permissions.opinion_create(request.user, section)
    form = OpinionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            opinion = services.opinion_create(
                author=request.user,
                section=section,
                title=form.cleaned_data["title"],
                body=plain_to_html(form.cleaned_data["body"]),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            _published_or_pending(request, opinion)
            return redirect(
                opinion.get_absolute_url() if opinion.published else section.get_absolute_url()
            )
    return render(
        request,
        "consultation/form.html",
        _context(
            request,
            project,
            step,
            form=form,
            section=section,
            decision=decision,
            title=_("Nouvelle proposition dans « %(section)s »") % {"section": section.title},
        ),
        status=400 if request.method == "POST" else 200,
    )


@_refusals
@require_http_methods(["GET", "POST"])
def version_create_view(request, slug, step_slug, pk):
    project, step = _resolve(request, slug, step_slug)
    opinion = _opinion(step, pk)
    if response := _login_first(request, opinion.get_absolute_url()):
        return response
    if opinion.is_trashed:  # the form's heading and text would quote the moderated opinion
        return redirect(opinion.get_absolute_url())
    decision = permissions.version_create(request.user, opinion)
    initial = {"body": _plain(opinion.body)}
    form = VersionForm(
        request.POST or None, initial=initial, body_limit=limits.version_body(opinion.body)
    )
    if request.method == "POST" and form.is_valid():
        try:
            version = services.version_create(
                author=request.user,
                opinion=opinion,
                title=form.cleaned_data["title"],
                body=plain_to_html(form.cleaned_data["body"]),
                explanation=form.cleaned_data["explanation"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            _published_or_pending(request, version)
            return redirect(
                version.get_absolute_url() if version.published else opinion.get_absolute_url()
            )
    return render(
        request,
        "consultation/form.html",
        _context(
            request,
            project,
            step,
            form=form,
            opinion=opinion,
            decision=decision,
            title=_("Proposer un amendement à « %(title)s »") % {"title": opinion.title},
        ),
        status=400 if request.method == "POST" else 200,
    )


def _small_object(step, model, pk):
    """An argument or a source of this step's consultation (else 404), its parent's opinion
    resolved as the opinion page resolves it."""
    obj = model.objects.select_related("opinion", "version").filter(pk=_pk(pk)).first()
    if obj is None:
        raise Http404
    parent_opinion = obj.opinion if obj.opinion_id else obj.version.opinion
    opinion = _opinion(step, parent_opinion.pk)
    if obj.version_id:
        obj.version.opinion = opinion
    else:
        obj.opinion = opinion
    return obj, opinion


def _small_vote(request, slug, step_slug, pk, model, service, kwarg):
    project, step = _resolve(request, slug, step_slug)
    obj, _opinion_of_obj = _small_object(step, model, pk)
    if response := _voter_first(request, obj.get_absolute_url()):
        return response
    on = request.POST.get("on") == "1"
    try:
        service(user=request.user, on=on, **{kwarg: obj})
    except ValidationError as exc:
        _refused(request, exc)
    return _back(request, obj.get_absolute_url())


@_refusals
@require_POST
def argument_vote_view(request, slug, step_slug, pk):
    return _small_vote(request, slug, step_slug, pk, Argument, services.argument_vote, "argument")


@_refusals
@require_POST
def source_vote_view(request, slug, step_slug, pk):
    return _small_vote(request, slug, step_slug, pk, Source, services.source_vote, "source")
