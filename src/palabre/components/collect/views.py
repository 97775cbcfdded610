import random

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from palabre.core.models import District, Theme
from palabre.core.pagecache import anonymous_page_cache
from palabre.core.params import id_or_404, parse_id, parse_int
from palabre.core.permissions import project_view
from palabre.core.stepviews import login_first, resolve_step
from palabre.participation.formbuilder import answer_display

from . import exports, permissions, selectors, services
from .forms import AnswerForm, FilterForm
from .models import Draft, Proposal, Sort

PROPOSALS_PER_PAGE = 24
MAX_SEED = 100_000


def _resolve(request, slug, step_slug):
    """``(project, step, collect)`` of a collect step the visitor may see, else 404."""
    project, step = resolve_step(request, slug, step_slug, kind="collect")
    return project, step, services.collect_ensure(step=step)


def _context(project, step, collect):
    return {
        "project": project,
        "step": step,
        "steps": project.ordered_steps,
        "collect": collect,
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }


def _proposal(request, collect, pk: int) -> Proposal:
    """The proposal ``pk`` (from the URL's ``<id:…>``) of this step, if the visitor may see it."""
    try:
        proposal = selectors.proposal_detail(collect, pk)
    except Proposal.DoesNotExist as exc:
        raise Http404(_("Proposition introuvable.")) from exc
    if not permissions.proposal_view(request.user, proposal):
        raise Http404(_("Proposition introuvable."))
    proposal.collect = collect
    return proposal


# -- browsing ---------------------------------------------------------------------------------


def _seed(request) -> int:
    """The random order's seed comes with the query string (no cookie, no session)."""
    seed = parse_int(request.GET.get("seed"), minimum=1, maximum=MAX_SEED)
    if seed is not None:
        return seed
    return random.randint(1, MAX_SEED)  # noqa: S311 - an ordering, not a secret


def _filters(request, collect, *, outlines: bool = False):
    """The filter form (choices from the step's vocabularies) and the filters it accepted;
    ``outlines`` also loads the districts' GeoJSON (the map draws them)."""
    districts = District.objects.defer("description")
    form = FilterForm(
        request.GET or None,
        themes=list(Theme.objects.only("id", "name", "slug", "position")),
        categories=list(collect.categories.all()),
        districts=list(districts if outlines else districts.defer("geojson")),
        statuses=selectors.statuses(collect, public_only=True),
    )
    filters = form.cleaned_data if form.is_valid() else {}
    return form, filters


def _query(filters: dict, **extra) -> str:
    params = {k: v for k, v in filters.items() if v and k != "sort"}
    params.update({k: v for k, v in extra.items() if v})
    return urlencode(params)


def step_view(request, *, project, step):
    """The step's home: the proposals as cards, filtered, sorted, paginated."""
    collect = services.collect_ensure(step=step)
    form, filters = _filters(request, collect)
    sort = filters.get("sort") or collect.default_sort
    seed = _seed(request) if sort == Sort.RANDOM else 0
    page = selectors.proposal_page(
        collect,
        filters=filters,
        sort=sort,
        seed=seed,
        number=request.GET.get("page"),
        per_page=PROPOSALS_PER_PAGE,
    )
    for proposal in page.object_list:
        proposal.collect = collect
    filtered = any(v for k, v in filters.items() if k != "sort")
    return render(
        request,
        "collect/step.html",
        {
            **_context(project, step, collect),
            "form": form,
            "sort": sort,
            "seed": seed,
            "page_obj": page,
            "proposals": page.object_list,
            "query": _query(filters, sort=sort, seed=seed),
            "map_query": _query(filters),
            "filtered": filtered,
            "can_submit": permissions.proposal_create(request.user, collect),
            "my_drafts": selectors.my_drafts_in(request.user, collect),
            "is_organiser": bool(permissions.analyse(request.user)),
            "view": "list",
        },
    )


@anonymous_page_cache
@require_GET
def map_view(request, slug, step_slug):
    project, step, collect = _resolve(request, slug, step_slug)
    form, filters = _filters(request, collect, outlines=True)
    query = _query(filters)
    pins_url = reverse("collect:map_data", args=[project.slug, step.slug])
    districts = [
        {"name": d.name, "geojson": d.geojson}
        for d in form.fields["district"]._districts
        if d.geojson
    ]
    return render(
        request,
        "collect/map.html",
        {
            **_context(project, step, collect),
            "form": form,
            "sort": filters.get("sort") or collect.default_sort,
            "seed": 0,
            "pins_url": f"{pins_url}?{query}" if query else pins_url,
            "list_query": query,
            "districts": districts,
            "map_query": query,
            "filtered": bool(query),
            "can_submit": permissions.proposal_create(request.user, collect),
            "view": "map",
        },
    )


def _bbox(value: str):
    try:
        south, west, north, east = (float(v) for v in value.split(","))
    except ValueError:
        return None
    if not (-90 <= south <= north <= 90 and -180 <= west <= east <= 180):
        return None
    return south, west, north, east


def _light_filters(request) -> dict:
    """The list's filters read without loading their vocabularies (the map data needs no
    form): slugs and ids as given; an unknown one simply matches nothing."""
    get = request.GET
    filters = {k: get.get(k, "")[:100] for k in ("q", "theme", "district")}
    for key in ("category", "status"):
        pk = parse_id(get.get(key))
        filters[key] = str(pk) if pk is not None else ""
    return filters


@anonymous_page_cache
@require_GET
def map_data(request, slug, step_slug):
    """The pins of the map (JSON), with the filters of the list."""
    project, step, collect = _resolve(request, slug, step_slug)
    filters = _light_filters(request)
    bbox = _bbox(request.GET.get("bbox", ""))
    pins, truncated = selectors.map_pins(collect, filters=filters, bbox=bbox)
    url = reverse("collect:proposal", args=[project.slug, step.slug, 0]).replace("/0/", "/{id}/")
    response = JsonResponse(
        {
            "url": url,
            "count": len(pins),
            "truncated": truncated,
            "fields": ["id", "lat", "lng", "title", "reference", "colour"],
            "pins": pins,
        }
    )
    # Shared caches may keep the pins only of a project anyone may see (not a restricted or
    # draft one, shown to its members and organisers).
    public = bool(project_view(AnonymousUser(), project))
    response["Cache-Control"] = f"{'public' if public else 'private'}, max-age=30"
    return response


@anonymous_page_cache
def proposal_view(request, slug, step_slug, pk):
    project, step, collect = _resolve(request, slug, step_slug)
    proposal = _proposal(request, collect, pk)
    config = selectors.form_config(collect)
    fields = {ff.key: ff for ff in config["form_fields"]}
    files_by_question: dict[int | None, list] = {}
    for f in proposal.files.all():
        files_by_question.setdefault(f.question_id, []).append(f)
    answers = []
    for q in config["questions"]:
        if q.is_heading:
            answers.append({"heading": True, "label": q.label})
            continue
        if q.kind == "file":
            value_files = files_by_question.get(q.pk, [])
            if value_files:
                answers.append({"label": q.label, "files": value_files})
            continue
        text = answer_display(q, (proposal.answers or {}).get(str(q.pk)))
        if text:
            answers.append({"label": q.label, "text": text})
    is_organiser = bool(permissions.analyse(request.user))
    answer_form = (
        AnswerForm(
            initial={"status": proposal.status_id, "official_answer": proposal.official_answer},
            statuses=collect.statuses.all(),
        )
        if is_organiser
        else None
    )
    absolute = request.build_absolute_uri(proposal.get_absolute_url())
    return render(
        request,
        "collect/proposal.html",
        {
            **_context(project, step, collect),
            "proposal": proposal,
            "target": proposal,
            "labels": {key: ff.display_label for key, ff in fields.items()},
            "attachments": files_by_question.get(None, []),
            "answers": answers,
            "can_edit": permissions.proposal_edit(request.user, proposal),
            "is_organiser": is_organiser,
            "answer_form": answer_form,
            "share": _share_links(absolute, proposal.title),
            "absolute_url": absolute,
        },
    )


def _share_links(url: str, title: str) -> list[tuple[str, str]]:
    """Plain links to share a page (no third-party script, no tracking pixel)."""
    return [
        (_("Partager par e-mail"), f"mailto:?{urlencode({'subject': title, 'body': url})}"),
        ("Mastodon", f"https://mastodonshare.com/?{urlencode({'text': title, 'url': url})}"),
        ("Facebook", f"https://www.facebook.com/sharer/sharer.php?{urlencode({'u': url})}"),
        ("LinkedIn", f"https://www.linkedin.com/sharing/share-offsite/?{urlencode({'url': url})}"),
        ("X", f"https://x.com/intent/post?{urlencode({'text': title, 'url': url})}"),
    ]


# -- writing ----------------------------------------------------------------------------------


def _this_page_or(request, fallback: str) -> str:
    """Where a visitor comes back after logging in: the page itself for a GET (a form opened
    from a link), else ``fallback`` (a form sent: its address answers only a POST)."""
    return request.get_full_path() if request.method == "GET" else fallback


def _draft_from_request(request, collect, *, proposal=None) -> Draft | None:
    raw = request.POST.get("draft") or request.GET.get("draft")
    if raw:
        draft = Draft.objects.filter(
            pk=id_or_404(raw), collect=collect, author=request.user
        ).first()
        if draft is None or draft.proposal_id != (proposal.pk if proposal else None):
            raise Http404(_("Brouillon introuvable."))
        return draft
    if request.method == "GET" and "fresh" not in request.GET:
        return selectors.latest_draft(request.user, collect, proposal=proposal)
    return None


def _form_page(request, project, step, collect, *, proposal=None):
    """The proposal form (new or edit): restore the draft, save it, or submit it."""
    if response := login_first(request, _this_page_or(request, step.get_absolute_url())):
        return response
    decision = (
        permissions.proposal_edit(request.user, proposal)
        if proposal is not None
        else permissions.proposal_create(request.user, collect)
    )
    draft = _draft_from_request(request, collect, proposal=proposal) if decision else None
    if proposal is not None and decision and draft is None and request.method == "GET":
        draft = services.draft_for_edit(author=request.user, proposal=proposal)
    status = 200
    refused: dict = {}
    form = None
    if request.method == "POST" and decision:
        action = request.POST.get("action", "submit")
        try:
            draft, refused = services.draft_save(
                author=request.user,
                collect=collect,
                draft=draft,
                proposal=proposal,
                data=request.POST,
                files=request.FILES,
                remove=request.POST.getlist("remove_file"),
            )
        except services.Refused as exc:
            messages.error(request, exc.messages[0])
            return redirect(step.get_absolute_url())
        except services.DraftTooLarge as exc:
            # Nothing saved: the form is shown again from what was sent, with why.
            form = services.build_form(collect, draft=draft, data=request.POST)
            form.is_valid()
            if action == "save":
                for name in [name for name in form.errors if name not in exc.message_dict]:
                    del form.errors[name]
            refused, status = exc.message_dict, 400
        if form is None and action == "save":
            if not refused:
                messages.success(
                    request,
                    _("Brouillon enregistré. Vous le retrouverez dans « Mes brouillons »."),
                )
                return redirect(_form_url(project, step, proposal, draft))
            # Bound, to carry the refusals; a draft may stay incomplete, so only they are
            # shown (not what a submission would still lack).
            form = services.build_form(collect, draft=draft, data=draft.data)
            for name in [name for name in form.errors if name not in refused]:
                del form.errors[name]
            status = 400
        elif form is None:
            form = services.build_form(collect, draft=draft, data=draft.data)
            if refused:
                form.is_valid()
                status = 400
            else:
                try:
                    saved = services.proposal_submit(author=request.user, draft=draft)
                except services.InvalidProposal as exc:
                    form = exc.form
                    status = 400
                except services.Refused as exc:
                    messages.error(request, exc.messages[0])
                    return redirect(step.get_absolute_url())
                else:
                    _submitted_message(request, saved, edited=proposal is not None)
                    return redirect(
                        saved.get_absolute_url() if saved.published else step.get_absolute_url()
                    )
        for name, errors in refused.items():
            if name in form.fields:
                form.add_error(name, errors)
        form._describe()
    elif decision:
        form = services.build_form(
            collect, draft=draft, initial=draft.data if draft is not None else None
        )
    autosave_url = (
        reverse("collect:proposal_edit_autosave", args=[project.slug, step.slug, proposal.pk])
        if proposal is not None
        else reverse("collect:proposal_autosave", args=[project.slug, step.slug])
    )
    title = (
        _("Modifier « %(title)s »") % {"title": proposal.title}
        if proposal is not None
        else _("Déposer une proposition")
    )
    return render(
        request,
        "collect/form.html",
        {
            **_context(project, step, collect),
            "form": form,
            "draft": draft,
            "decision": decision,
            "proposal": proposal,
            "title": title,
            "autosave_url": autosave_url,
            "refused_files": any(
                isinstance(form.fields.get(name), forms.FileField) for name in refused
            ),
            "cancel_url": proposal.get_absolute_url() if proposal else step.get_absolute_url(),
        },
        status=status,
    )


def _form_url(project, step, proposal, draft) -> str:
    if proposal is not None:
        return reverse("collect:proposal_edit", args=[project.slug, step.slug, proposal.pk])
    url = reverse("collect:proposal_create", args=[project.slug, step.slug])
    return f"{url}?{urlencode({'draft': draft.pk})}"


def _submitted_message(request, proposal, *, edited: bool) -> None:
    if edited:
        messages.success(request, _("Modification enregistrée."))
    elif proposal.published:
        messages.success(
            request,
            _("Proposition déposée et publiée, sous la référence %(ref)s.")
            % {"ref": proposal.reference},
        )
    else:
        messages.warning(
            request,
            _(
                "Proposition enregistrée sous la référence %(ref)s : elle sera publiée dès que "
                "vous aurez confirmé votre adresse e-mail (lien reçu par e-mail)."
            )
            % {"ref": proposal.reference},
        )


@require_http_methods(["GET", "POST"])
def proposal_create_view(request, slug, step_slug):
    project, step, collect = _resolve(request, slug, step_slug)
    return _form_page(request, project, step, collect)


@require_http_methods(["GET", "POST"])
def proposal_edit_view(request, slug, step_slug, pk):
    project, step, collect = _resolve(request, slug, step_slug)
    proposal = _proposal(request, collect, pk)
    decision = permissions.proposal_edit(request.user, proposal)
    if request.user.is_authenticated and not decision:
        messages.error(request, decision.reason)
        return redirect(proposal.get_absolute_url())
    return _form_page(request, project, step, collect, proposal=proposal)


def _autosave(request, project, step, collect, proposal=None):
    if not request.user.is_authenticated:
        return JsonResponse({"error": _("Votre session a expiré : reconnectez-vous.")}, status=403)
    try:
        draft = _draft_from_request(request, collect, proposal=proposal)
        draft, refused = services.draft_save(
            author=request.user, collect=collect, draft=draft, proposal=proposal, data=request.POST
        )
    except services.DraftTooLarge as exc:
        return JsonResponse(
            {"error": " ".join(exc.messages), "refused": exc.message_dict}, status=400
        )
    except ValidationError as exc:
        return JsonResponse({"error": " ".join(exc.messages)}, status=403)
    saved_at = time_format(timezone.localtime(draft.updated_at), "H:i")
    message = _("Brouillon enregistré automatiquement à %(time)s.") % {"time": saved_at}
    # What was not kept as sent (NUL characters removed from a text): said with the time.
    notes = list(dict.fromkeys(m for messages_ in refused.values() for m in messages_))
    return JsonResponse(
        {
            "draft": draft.pk,
            "saved_at": saved_at,
            "message": " ".join([message, *notes]),
            "refused": refused,
        }
    )


@require_POST
def proposal_autosave_view(request, slug, step_slug):
    project, step, collect = _resolve(request, slug, step_slug)
    return _autosave(request, project, step, collect)


@require_POST
def proposal_edit_autosave_view(request, slug, step_slug, pk):
    project, step, collect = _resolve(request, slug, step_slug)
    proposal = _proposal(request, collect, pk)
    return _autosave(request, project, step, collect, proposal)


@require_http_methods(["GET", "POST"])
def proposal_withdraw_view(request, slug, step_slug, pk):
    project, step, collect = _resolve(request, slug, step_slug)
    proposal = _proposal(request, collect, pk)
    if response := login_first(request, _this_page_or(request, proposal.get_absolute_url())):
        return response
    decision = permissions.proposal_withdraw(request.user, proposal)
    if not decision:
        messages.error(request, decision.reason)
        return redirect(proposal.get_absolute_url())
    if request.method == "POST":
        services.proposal_withdraw(author=request.user, proposal=proposal)
        messages.success(request, _("Votre proposition a été retirée."))
        return redirect(proposal.get_absolute_url())
    return render(
        request,
        "collect/withdraw.html",
        {**_context(project, step, collect), "proposal": proposal},
    )


@require_POST
def proposal_answer_view(request, slug, step_slug, pk):
    """An organiser sets the status and the official answer from the proposal page."""
    project, step, collect = _resolve(request, slug, step_slug)
    proposal = _proposal(request, collect, pk)
    if not permissions.analyse(request.user):
        return HttpResponseForbidden(
            render_to_string(
                "403.html", {"reason": permissions.analyse(request.user).reason}, request=request
            )
        )
    form = AnswerForm(request.POST, statuses=collect.statuses.all())
    if form.is_valid():
        services.proposal_set_status(
            actor=request.user, proposals=[proposal], status=form.cleaned_data["status"]
        )
        services.proposal_answer(
            actor=request.user, proposal=proposal, body=form.cleaned_data["official_answer"]
        )
        messages.success(request, _("Statut et réponse enregistrés."))
    else:
        messages.error(request, _("Choisissez un statut de cette étape."))
    return redirect(f"{proposal.get_absolute_url()}#answer")


@require_POST
def draft_delete_view(request, slug, step_slug, pk):
    project, step, collect = _resolve(request, slug, step_slug)
    if response := login_first(request, step.get_absolute_url()):
        return response
    draft = Draft.objects.filter(pk=pk, collect=collect, author=request.user).first()
    if draft is None:
        raise Http404(_("Brouillon introuvable."))
    services.draft_delete(author=request.user, draft=draft)
    messages.success(request, _("Brouillon supprimé."))
    return redirect("collect_drafts" if request.POST.get("next") == "settings" else step)


@require_GET
def export_view(request, slug, step_slug, fmt):
    project, step, collect = _resolve(request, slug, step_slug)
    decision = permissions.analyse(request.user)
    if not decision:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return HttpResponseForbidden(
            render_to_string("403.html", {"reason": decision.reason}, request=request)
        )
    services.export_record(actor=request.user, collect=collect, fmt=fmt)
    if fmt == "xlsx":
        return exports.xlsx_response(collect)
    return exports.csv_response(collect)


@login_required
def drafts_view(request):
    """« Mes brouillons »: every proposal a participant started and has not submitted."""
    from palabre.core import components

    drafts = list(selectors.drafts_of(request.user))
    for draft in drafts:
        step = draft.collect.step
        if draft.proposal_id:
            draft.url = reverse(
                "collect:proposal_edit", args=[step.project.slug, step.slug, draft.proposal_id]
            )
        else:
            url = reverse("collect:proposal_create", args=[step.project.slug, step.slug])
            draft.url = f"{url}?{urlencode({'draft': draft.pk})}"
        draft.delete_url = reverse(
            "collect:draft_delete", args=[step.project.slug, step.slug, draft.pk]
        )
    return render(
        request,
        "collect/drafts.html",
        {"drafts": drafts, "tabs": components.settings_tabs(), "active_tab": "collect_drafts"},
    )
