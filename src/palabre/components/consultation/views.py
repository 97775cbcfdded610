import html
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST

from palabre.core import limits, ratelimit
from palabre.core.pagecache import anonymous_page_cache
from palabre.core.params import id_or_404, parse_int
from palabre.core.params import redirect_back as _back
from palabre.core.permissions import Decision
from palabre.core.stepviews import login_first, resolve_step

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
    """``(project, step)`` of a consultation step the visitor may see, else 404."""
    return resolve_step(request, slug, step_slug, kind="consultation")


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


def _opinion(step, pk: int) -> Opinion:
    """The opinion ``pk`` of this step (an id from the URL's ``<id:…>`` or ``id_or_404``)."""
    try:
        opinion = selectors.opinion_detail(step, pk)
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


def _voter_first(request, fallback):
    """Before any vote: a visitor is sent to log in, a participant over the vote rate limit
    gets the 429 page (back to ``fallback``); ``None`` when the vote may go on."""
    if response := login_first(request, fallback):
        return response
    if limited := ratelimit.vote(request.user):
        return ratelimit.too_many(request, limited, back=fallback)
    return None


def _refused(request, exc: ValidationError):
    for message in exc.messages:
        messages.error(request, message)


def _value_vote(request, target, vote):
    """« D'accord », « mitigé » or « pas d'accord » on an opinion or an amendment (an empty
    ``value`` withdraws the vote): ``vote(user=, value=)`` is the target's service."""
    if response := _voter_first(request, target.get_absolute_url()):
        return response
    value = request.POST.get("value") or None
    try:
        vote(user=request.user, value=value)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(
            request, _("Votre vote est enregistré.") if value else _("Votre vote est retiré.")
        )
    return _back(request, target.get_absolute_url())


@require_POST
def opinion_vote_view(request, slug, step_slug, pk):
    project, step = _resolve(request, slug, step_slug)
    opinion = _opinion(step, pk)
    return _value_vote(request, opinion, partial(services.opinion_vote, opinion=opinion))


@require_POST
def version_vote_view(request, slug, step_slug, pk, version_pk):
    project, step = _resolve(request, slug, step_slug)
    opinion = _opinion(step, pk)
    version = Version.objects.filter(opinion=opinion, pk=version_pk).first()
    if version is None:
        raise Http404
    version.opinion = opinion
    return _value_vote(request, version, partial(services.version_vote, version=version))


def _parent_from_post(request, step):
    """What a new argument or source answers: the opinion of the form's (or the link's)
    ``opinion``, or its published amendment ``version``."""
    opinion_pk = request.POST.get("opinion") or request.GET.get("opinion")
    opinion = _opinion(step, id_or_404(opinion_pk))
    version_pk = request.POST.get("version") or request.GET.get("version")
    if version_pk:
        version = Version.objects.filter(
            opinion=opinion, pk=id_or_404(version_pk), published=True
        ).first()
        if version is None:
            raise Http404
        version.opinion = opinion
        return version
    return opinion


def _plain(body_html: str) -> str:
    """The text of a body as a participant typed it: paragraphs separated by a blank line,
    line breaks kept, entities decoded (``plain_to_html`` escapes on the way back)."""
    text = re.sub(r"(?i)<br\s*/?>", "\n", body_html or "")
    text = re.sub(r"(?i)</(p|li|h[1-6]|blockquote)>", "\n\n", text)
    text = html.unescape(strip_tags(text)).replace("\r\n", "\n")
    paragraphs = ("\n".join(line.strip() for line in p.split("\n")) for p in text.split("\n\n"))
    return "\n\n".join(p.strip() for p in paragraphs if p.strip())


def _form_page(request, project, step, **context):
    """``consultation/form.html``, where contributions are written and edited: a form sent
    back (invalid, or refused by the service) answers 400 and keeps what was typed."""
    return render(
        request,
        "consultation/form.html",
        _context(request, project, step, **context),
        status=400 if request.method == "POST" else 200,
    )


def _add_errors(form, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@dataclass(frozen=True, kw_only=True)
class _Creation:
    """What differs between the pages that write a new opinion, amendment, argument or
    source (``_create_page`` does the rest). ``parent`` is what the new one answers: a
    section, an opinion, or an opinion or amendment."""

    form: Callable[..., forms.Form]  # (request, parent): the form, empty or as sent
    create: Callable[..., object]  # (author, parent, data): the service; ValidationError
    title: Callable[..., str]  # (parent): the page's heading
    context: Callable[..., dict]  # (parent): what the page shows of the parent
    # (user, parent): the reason shown instead of the form, when refused
    permission: Callable[..., Decision] | None = None
    # What the author is told: published, or awaiting the email confirmation. Whole
    # sentences per type: French agrees « publié » with the noun, translators need sentences.
    published: str
    pending: str
    # (parent): the parent's page instead of the form (it would quote a moderated text)
    gone: Callable[..., bool] | None = None
    # Where the author lands while the new one awaits the email confirmation: its parent's
    # page (an opinion's, an amendment's own page would be a 404), else its own address (an
    # argument's or a source's is a place on its parent's page).
    pending_to_parent: bool = True


def _create_page(request, project, step, parent, creation: _Creation):
    """The page that writes a new contribution: a visitor logs in first; a sent form is
    created through the service, else shown again with what was typed and the errors (400);
    the author is told whether it is published or awaits the email confirmation."""
    if response := login_first(request, parent.get_absolute_url()):
        return response
    if creation.gone is not None and creation.gone(parent):
        return redirect(parent.get_absolute_url())
    decision = creation.permission(request.user, parent) if creation.permission else None
    form = creation.form(request, parent)
    if request.method == "POST" and form.is_valid():
        try:
            obj = creation.create(author=request.user, parent=parent, data=form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if obj.published:
                messages.success(request, creation.published)
            else:
                messages.warning(request, creation.pending)
            if obj.published or not creation.pending_to_parent:
                return redirect(obj.get_absolute_url())
            return redirect(parent.get_absolute_url())
    return _form_page(
        request,
        project,
        step,
        form=form,
        decision=decision,
        title=creation.title(parent),
        **creation.context(parent),
    )


def _answer_fields(parent) -> dict:
    """An argument's or a source's page: its parent, and the form's fields naming it."""
    is_version = isinstance(parent, Version)
    return {
        "parent": parent,
        "hidden": {
            "opinion": parent.opinion_id if is_version else parent.pk,
            "version": parent.pk if is_version else "",
        },
    }


_NEW_OPINION = _Creation(
    published=_lazy("Proposition publiée."),
    pending=_lazy(
        "Proposition enregistrée : elle sera publiée dès que vous aurez confirmé votre "
        "adresse e-mail (lien reçu par e-mail)."
    ),
    form=lambda request, section: OpinionForm(request.POST or None),
    create=lambda *, author, parent, data: services.opinion_create(
        author=author, section=parent, title=data["title"], body=plain_to_html(data["body"])
    ),
    title=lambda section: (
        _("Nouvelle proposition dans « %(section)s »") % {"section": section.title}
    ),
    context=lambda section: {"section": section},
    permission=permissions.opinion_create,
)

_NEW_VERSION = _Creation(
    published=_lazy("Amendement publié."),
    pending=_lazy(
        "Amendement enregistré : il sera publié dès que vous aurez confirmé votre "
        "adresse e-mail (lien reçu par e-mail)."
    ),
    form=lambda request, opinion: VersionForm(
        request.POST or None,
        initial={"body": _plain(opinion.body)},
        body_limit=limits.version_body(opinion.body),
    ),
    create=lambda *, author, parent, data: services.version_create(
        author=author,
        opinion=parent,
        title=data["title"],
        body=plain_to_html(data["body"]),
        explanation=data["explanation"],
    ),
    title=lambda opinion: _("Proposer un amendement à « %(title)s »") % {"title": opinion.title},
    context=lambda opinion: {"opinion": opinion},
    permission=permissions.version_create,
    gone=lambda opinion: opinion.is_trashed,  # the heading and text would quote it
)

_NEW_ARGUMENT = _Creation(
    published=_lazy("Argument publié."),
    pending=_lazy(
        "Argument enregistré : il sera publié dès que vous aurez confirmé votre "
        "adresse e-mail (lien reçu par e-mail)."
    ),
    form=lambda request, parent: ArgumentForm(
        request.POST or None, initial={"kind": request.GET.get("kind")}
    ),
    create=lambda *, author, parent, data: services.argument_create(
        author=author, parent=parent, **data
    ),
    title=lambda parent: _("Ajouter un argument"),
    context=_answer_fields,
    pending_to_parent=False,
)

_NEW_SOURCE = _Creation(
    published=_lazy("Source publiée."),
    pending=_lazy(
        "Source enregistrée : elle sera publiée dès que vous aurez confirmé votre "
        "adresse e-mail (lien reçu par e-mail)."
    ),
    form=lambda request, parent: SourceForm(request.POST or None),
    create=lambda *, author, parent, data: services.source_create(
        author=author, parent=parent, **data
    ),
    title=lambda parent: _("Ajouter une source"),
    context=_answer_fields,
    pending_to_parent=False,
)


@require_http_methods(["GET", "POST"])
def opinion_create_view(request, slug, step_slug, section_slug):
    project, step = _resolve(request, slug, step_slug)
    return _create_page(request, project, step, _section(step, section_slug), _NEW_OPINION)


@require_http_methods(["GET", "POST"])
def version_create_view(request, slug, step_slug, pk):
    project, step = _resolve(request, slug, step_slug)
    return _create_page(request, project, step, _opinion(step, pk), _NEW_VERSION)


@require_http_methods(["GET", "POST"])
def argument_create_view(request, slug, step_slug):
    project, step = _resolve(request, slug, step_slug)
    return _create_page(request, project, step, _parent_from_post(request, step), _NEW_ARGUMENT)


@require_http_methods(["GET", "POST"])
def source_create_view(request, slug, step_slug):
    project, step = _resolve(request, slug, step_slug)
    return _create_page(request, project, step, _parent_from_post(request, step), _NEW_SOURCE)


def _small_object(step, model, pk):
    """An argument or a source of this step's consultation (else 404), its parent's opinion
    resolved as the opinion page resolves it."""
    obj = model.objects.select_related("opinion", "version").filter(pk=pk).first()
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


@require_POST
def argument_vote_view(request, slug, step_slug, pk):
    return _small_vote(request, slug, step_slug, pk, Argument, services.argument_vote, "argument")


@require_POST
def source_vote_view(request, slug, step_slug, pk):
    return _small_vote(request, slug, step_slug, pk, Source, services.source_vote, "source")
