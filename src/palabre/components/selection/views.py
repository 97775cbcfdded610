"""Pages of the selection step. Every action is a plain POST form answered by a redirect with
a message; with htmx (``HX-Request``) the same POST answers with the fragment to swap and the
counter and status line out of band, so the page does not reload."""

from __future__ import annotations

import copy
import csv
import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.middleware.csrf import CSRF_TOKEN_LENGTH, get_token
from django.shortcuts import redirect, render
from django.template.loader import get_template
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from palabre.core import ratelimit
from palabre.core.pagecache import anonymous_page_cache
from palabre.core.params import redirect_back as _back
from palabre.core.stepviews import is_htmx, login_first, project_visible_or_404, resolve_step

from . import permissions, selectors, services
from .forms import ListFilterForm, RequirementsForm
from .models import Selection, selection_url


def _resolve(request, slug, step_slug) -> tuple:
    project, step = resolve_step(request, slug, step_slug, kind="selection")
    selection = selectors.selection_for_step(step)
    if selection is None:
        raise Http404(_("Ce vote n'est pas encore configuré."))
    return project, step, selection


# The vote endpoints' view of a step: its settings, step and project, kept a few seconds per
# process (a national vote posts hundreds of votes a second to one step). Whatever a vote's
# checks depend on (rules, requirements, dates, the project's visibility) is read again,
# fresh, inside its transaction by the service; only the step's address and the early
# refusal below are up to ACTION_MEMO_SECONDS old.
ACTION_MEMO_SECONDS = 5.0
ACTION_MEMO_SIZE = 512
_action_memo: dict[tuple, tuple[float, Selection]] = {}


def _action_selection(slug: str, step_slug: str) -> Selection | None:
    key = (slug, step_slug)
    now = time.monotonic()
    hit = _action_memo.get(key)
    if hit is None or hit[0] < now:
        rows = (
            Selection.objects.select_related("step__project")
            .defer("intro", "step__body", "step__project__body", "step__project__summary")
            .filter(step__project__slug=slug, step__slug=step_slug, step__kind="selection")
            .order_by()[:1]
        )
        if len(_action_memo) >= ACTION_MEMO_SIZE:
            _action_memo.clear()
        hit = (now + ACTION_MEMO_SECONDS, rows[0] if rows else None)
        _action_memo[key] = hit
    if hit[1] is None:
        return None
    # A copy per request: the service refreshes the rules and dates on the object it is given.
    cached = hit[1]
    # ``copy.copy`` gives each copy its own ``_state``; the related objects it would share are
    # replaced by their own copies.
    selection, step = copy.copy(cached), copy.copy(cached.step)
    project = copy.copy(cached.step.project)
    step.project = project
    selection.step = step
    return selection


def action_memo_clear() -> None:
    """Forget every step kept by the vote endpoints (tests; a process sees changes in 5 s)."""
    _action_memo.clear()


def _resolve_action(request, slug, step_slug) -> tuple:
    """For the POST endpoints: the step, its project and its settings (one query, or none).

    The same visibility rule as ``resolve_step`` (``core.views.project_visible_or_404``), without
    the project page's themes, districts and timeline, which an answer to a vote never shows.
    """
    selection = _action_selection(slug, step_slug)
    if selection is None:
        raise Http404(_("Étape introuvable."))
    project = selection.step.project
    project_visible_or_404(request.user, project)
    return project, selection.step, selection


def _login_first(request, fallback: str):
    return login_first(request, fallback, _("Connectez-vous ou créez un compte pour voter."))


def _context(request, project, step, selection: Selection, **extra) -> dict:
    state = extra.pop("state", None) or selectors.ballot_state(selection, request.user)
    can_vote = permissions.vote(request.user, selection, state.ballot)
    here = request.POST.get("here") if request.method == "POST" else None
    if not here or not url_has_allowed_host_and_scheme(here, {request.get_host()}):
        here = request.get_full_path()
    return {
        "here": here,
        "project": project,
        "step": step,
        # Called by the template only where the timeline is shown (not in htmx answers).
        "steps": lambda: project.ordered_steps,
        "selection": selection,
        "state": state,
        "voted": state.voted,
        "can_vote": can_vote,
        "missing": permissions.requirements_missing(request.user, selection, state.ballot)
        if request.user.is_authenticated and step.is_open
        else [],
        "results_visible": selectors.results_visible(request.user, selection),
        "urls": {
            "list": step.get_absolute_url(),
            "ballot": selection_url(step, "ballot"),
            "results": selection_url(step, "results"),
            "requirements": selection_url(step, "requirements"),
            "anonymity": selection_url(step, "anonymity"),
        },
        **extra,
    }


def step_view(request, *, project, step):
    """The step's page: the proposals with a vote button each and the ballot's counter."""
    selection = selectors.selection_for_step(step)
    if selection is None:
        return render(request, "selection/unconfigured.html", {"project": project, "step": step})
    form = ListFilterForm(request.GET or None)
    filters = form.filters()
    proposals = list(selectors.candidates(selection, **filters))
    context = _context(
        request, project, step, selection, proposals=proposals, form=form, filtered=bool(filters)
    )
    return render(request, "selection/step.html", context)


@anonymous_page_cache
def proposal_view(request, slug, step_slug, pk: int):
    """One proposal's page in this vote: summary, cost, votes when visible, the vote button."""
    project, step, selection = _resolve(request, slug, step_slug)
    proposal = selectors.candidates(selection).filter(pk=pk).first()
    if proposal is None:
        raise Http404(_("Proposition introuvable."))
    context = _context(request, project, step, selection, proposal=proposal)
    return render(request, "selection/proposal.html", context)


def _answer_csrf_token(request) -> str:
    """The token for the fragment's forms: the masked one the request came with (the CSRF
    middleware has just checked it), else a new one. Masking a token draws 32 random
    characters from the system: no work to repeat for every vote. Echoing it gives nothing
    away: this answer exists only for a request that already carried the token, which a
    cross-site page cannot send (so no BREACH-style guessing through it)."""
    sent = request.POST.get("csrfmiddlewaretoken", "")
    return sent if len(sent) == CSRF_TOKEN_LENGTH else get_token(request)


class _FragmentUrls:
    """The step's addresses a fragment may link to, reversed only if it does."""

    def __init__(self, step) -> None:
        self.step = step

    @cached_property
    def list(self) -> str:
        return self.step.get_absolute_url()

    @cached_property
    def ballot(self) -> str:
        return selection_url(self.step, "ballot")


def _htmx_answer(request, project, step, selection, *, message, ok, fragment, extra=None):
    """The fragment the form targets, the counter and the status line (out of band)."""
    extra = dict(extra or {})
    state = extra.pop("state", None) or selectors.ballot_state(selection, request.user)
    here = request.POST.get("here", "")
    if not url_has_allowed_host_and_scheme(here, {request.get_host()}):
        here = step.get_absolute_url()
    # What the fragments use, no more: an answer to a vote stays cheap.
    context = {
        "here": here,
        "project": project,
        "step": step,
        "selection": selection,
        "state": state,
        "voted": state.voted,
        "urls": _FragmentUrls(step),
        "status_message": message,
        "status_ok": ok,
        "oob": True,
        # Rendered without the context processors (organisation, messages…): a fragment uses
        # the user and the CSRF token, nothing of the page around it.
        "user": request.user,
        "csrf_token": _answer_csrf_token(request),
        **extra,
    }
    return HttpResponse(get_template(fragment).render(context))


@require_POST
def vote_view(request, slug, step_slug, pk: int):
    """Vote (``action=vote``) or take back a vote (``action=unvote``) for a proposal."""
    project, step, selection = _resolve_action(request, slug, step_slug)

    def fallback() -> str:  # reversed only for an answer that redirects (not for htmx)
        return f"{step.get_absolute_url()}#proposal-{pk}"

    if not request.user.is_authenticated:
        return _login_first(request, fallback())
    # Too many votes in a short time (a script): refused before the vote's transaction.
    limited = ratelimit.vote(request.user)
    if limited is not None and not is_htmx(request):
        return ratelimit.too_many(request, limited, back=fallback())
    action = request.POST.get("action")
    outcome = None
    if limited is not None:
        message, ok = limited.message, False
    else:
        try:
            if action == "unvote":
                outcome = services.vote_remove(
                    user=request.user, selection=selection, proposal_id=pk
                )
                message = _("Votre vote est retiré.")
            else:
                anonymous = request.POST.get("anonymous")
                outcome = services.vote_cast(
                    user=request.user,
                    selection=selection,
                    proposal_id=pk,
                    anonymous=None if anonymous is None else anonymous == "1",
                )
                message = _("Votre vote est enregistré.")
            ok = True
        except services.VoteRefused as exc:
            outcome = exc.outcome  # what was read before the refusal, and its reason
            message, ok = outcome.reason, False
        except ValidationError as exc:
            message, ok = " ".join(exc.messages), False
    if is_htmx(request):
        where = request.POST.get("where", "list")
        # The service read the proposal (id and title are what the fragment needs) and the
        # ballot's counts, also when it refused; a refusal that came first reads them here.
        if outcome is not None and outcome.proposal_read:
            proposal = outcome.proposal
        else:
            proposal = selectors.candidate(selection, pk)
        # « Mes votes » lists the ballot, not this proposal: a vote for one withdrawn or
        # moderated since (no longer a candidate) is still taken back there.
        if proposal is None and where != "ballot":
            raise Http404
        fragment = "selection/_ballot_answer.html" if where == "ballot" else "_vote_answer.html"
        state = selectors.ballot_state(
            selection, request.user, outcome=outcome, with_proposals=where == "ballot"
        )
        answer = _htmx_answer(
            request,
            project,
            step,
            selection,
            message=message,
            ok=ok,
            fragment=fragment if "/" in fragment else f"selection/{fragment}",
            # Taken back from « Mes votes »: the button is gone, the focus goes to the list.
            extra={
                "proposal": proposal,
                "where": where,
                "focus_list": ok and where == "ballot",
                "state": state,
            },
        )
        if limited is not None:  # swapped in like any refusal (htmx-config in _head.html)
            answer.status_code = 429
            answer["Retry-After"] = str(limited.retry_after)
        return answer
    (messages.success if ok else messages.error)(request, message)
    return _back(request, fallback())


def ballot_view(request, slug, step_slug):
    """« Mes votes »: the participant's ballot in this step, reorderable when ranked."""
    project, step, selection = _resolve(request, slug, step_slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    context = _context(request, project, step, selection)
    context["other_ballots"] = [
        b for b in selectors.my_ballots(request.user) if b.selection_id != selection.pk
    ]
    context["requirements_form"] = RequirementsForm(
        selection=selection, user=request.user, ballot=context["state"].ballot
    )
    return render(request, "selection/ballot.html", context)


@require_POST
def move_view(request, slug, step_slug, pk: int):
    """Ranked votes: move a proposal up or down one rank (``direction``)."""
    project, step, selection = _resolve_action(request, slug, step_slug)
    fallback = f"{selection_url(step, 'ballot')}#vote-{pk}"
    if response := _login_first(request, fallback):
        return response
    direction = "up" if request.POST.get("direction") == "up" else "down"
    try:
        services.vote_move(
            user=request.user, selection=selection, proposal_id=pk, direction=direction
        )
        message = _("Classement modifié.")
        ok = True
    except ValidationError as exc:
        message, ok = " ".join(exc.messages), False
    if is_htmx(request):
        return _htmx_answer(
            request,
            project,
            step,
            selection,
            message=message,
            ok=ok,
            fragment="selection/_ballot_answer.html",
        )
    (messages.success if ok else messages.error)(request, message)
    return redirect(fallback)


@require_POST
def anonymity_view(request, slug, step_slug):
    project, step, selection = _resolve(request, slug, step_slug)
    fallback = selection_url(step, "ballot")
    if response := _login_first(request, fallback):
        return response
    try:
        services.ballot_anonymity_set(
            user=request.user, selection=selection, anonymous=request.POST.get("anonymous") == "1"
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Votre choix est enregistré."))
    return _back(request, fallback)


@require_POST
def requirements_view(request, slug, step_slug):
    """The participant gives what the step requires (zip code, birth date, rules)."""
    project, step, selection = _resolve(request, slug, step_slug)
    fallback = selection_url(step, "ballot")
    if response := _login_first(request, fallback):
        return response
    form = RequirementsForm(request.POST, selection=selection, user=request.user)
    if form.is_valid():
        try:
            missing = services.ballot_requirements_fill(
                user=request.user, selection=selection, **form.service_kwargs()
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            if missing:
                for decision in missing:
                    messages.warning(request, str(decision.reason))
            else:
                messages.success(request, _("C'est fait : vous pouvez voter."))
            return _back(request, fallback)
    context = _context(request, project, step, selection)
    context["requirements_form"] = form
    context["other_ballots"] = []
    return render(request, "selection/ballot.html", context, status=400)


def _results_or_refusal(request, slug, step_slug):
    project, step, selection = _resolve(request, slug, step_slug)
    decision = permissions.results_view(request.user, selection)
    return project, step, selection, decision


@anonymous_page_cache
def results_view(request, slug, step_slug):
    project, step, selection, decision = _results_or_refusal(request, slug, step_slug)
    context = _context(request, project, step, selection, refusal=decision)
    if decision:
        context["results"] = selectors.results(selection)
    response = render(request, "selection/results.html", context)
    if not decision:
        # Not yet: a page that explains when, answered 200 (the tab is a normal link, not a
        # forbidden place), and never cached, so the results show the moment they are due.
        response.page_cacheable = False
    return response


def results_csv_view(request, slug, step_slug):
    project, step, selection, decision = _results_or_refusal(request, slug, step_slug)
    if not decision:
        return HttpResponse(str(decision.reason), status=403, content_type="text/plain")
    results = selectors.results(selection)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{project.slug}-{step.slug}.csv"'
    response.write("\ufeff")  # spreadsheets read UTF-8 with a BOM
    writer = csv.writer(response)
    header = [_("rang"), _("référence"), _("titre"), _("votes")]
    if selection.is_ranked:
        header.append(_("points"))
    if selection.is_budget:
        header += [_("coût (€)"), _("financé")]
    if selection.threshold is not None:
        header.append(_("qualifiée"))
    writer.writerow(header)
    for row in results.rows:
        line = [row.position, row.proposal.reference, _csv_text(row.proposal.title), row.votes]
        if selection.is_ranked:
            line.append(row.points)
        if selection.is_budget:
            line += ["" if row.proposal.cost is None else row.proposal.cost, int(row.funded)]
        if selection.threshold is not None:
            line.append(int(row.qualified))
        writer.writerow(line)
    return response


def _csv_text(value: str) -> str:
    """No formula injection when the file is opened in a spreadsheet."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@login_required
def my_votes_view(request):
    """« Mes votes » in the account area: the participant's ballots in every step."""
    from palabre.core import components

    ballots = selectors.my_ballots(request.user, with_votes=True)
    for ballot in ballots:
        step = ballot.selection.step
        ballot.url = selection_url(step, "ballot")
        ballot.step_open = step.is_open
    return render(
        request,
        "selection/my_votes.html",
        {
            "ballots": ballots,
            "tabs": components.settings_tabs(),
            "active_tab": "selection_my_votes",
        },
    )
