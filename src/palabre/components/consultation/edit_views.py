"""The author's edit pages of an opinion, amendment, argument or source (while the step is
open, through ``services.contribution_update``; the badge « modifié » once votes exist)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from palabre.core import limits
from palabre.core.stepviews import login_first

from . import permissions, services
from .forms import ArgumentEditForm, OpinionForm, SourceForm, VersionForm, plain_to_html
from .models import Argument, Source, Version
from .views import _add_errors, _form_page, _opinion, _plain, _resolve, _small_object


def _contribution_edit(request, project, step, obj, *, form, save, title, back, **extra):
    """The edit page of an author's opinion, amendment, argument or source.

    Anyone but the author is refused outright (403). The author is told why an edit is
    refused (step closed, contribution moderated) and sent back; a refusal on sending (the
    step closed meanwhile) or an invalid text keeps what was typed, with the message. The
    form asks before leaving with unsaved changes (``form.html``'s leave guard)."""
    if response := login_first(request, request.get_full_path()):
        return response
    author = permissions.contribution_author(request.user, obj)
    if not author:
        return HttpResponseForbidden(
            render_to_string("403.html", {"reason": author.reason}, request=request)
        )
    decision = permissions.contribution_edit(request.user, obj)
    if not decision and request.method != "POST":
        messages.error(request, decision.reason)
        return redirect(back)
    if request.method == "POST" and form.is_valid():
        try:
            services.contribution_update(author=request.user, obj=obj, **save(form.cleaned_data))
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Modification enregistrée."))
            return redirect(obj.get_absolute_url() if obj.published else back)
    return _form_page(
        request,
        project,
        step,
        form=form,
        title=title,
        back=back,
        submit_label=_("Enregistrer la modification"),
        **extra,
    )


@require_http_methods(["GET", "POST"])
def opinion_edit_view(request, slug, step_slug, pk):
    project, step = _resolve(request, slug, step_slug)
    opinion = _opinion(step, pk)
    initial = {"title": opinion.title, "body": _plain(opinion.body)}
    return _contribution_edit(
        request,
        project,
        step,
        opinion,
        form=OpinionForm(request.POST or None, initial=initial),
        save=lambda data: {"title": data["title"], "body": plain_to_html(data["body"])},
        title=_("Modifier « %(title)s »") % {"title": opinion.title},
        back=opinion.get_absolute_url(),
        section=opinion.section,
        opinion=opinion,
    )


@require_http_methods(["GET", "POST"])
def version_edit_view(request, slug, step_slug, pk, version_pk):
    project, step = _resolve(request, slug, step_slug)
    opinion = _opinion(step, pk)
    # Unpublished too: its author may correct it while the email is not confirmed yet.
    version = Version.objects.filter(opinion=opinion, pk=version_pk).first()
    if version is None:
        raise Http404(_("Amendement introuvable."))
    version.opinion = opinion
    initial = {
        "title": version.title,
        "body": _plain(version.body),
        "explanation": version.explanation,
    }
    return _contribution_edit(
        request,
        project,
        step,
        version,
        form=VersionForm(
            request.POST or None, initial=initial, body_limit=limits.version_body(opinion.body)
        ),
        save=lambda data: {
            "title": data["title"],
            "body": plain_to_html(data["body"]),
            "explanation": data["explanation"],
        },
        title=_("Modifier l'amendement « %(title)s »") % {"title": version.title},
        back=version.get_absolute_url() if version.published else opinion.get_absolute_url(),
        section=opinion.section,
        opinion=opinion,
        version=version,
    )


def _back_to_parent(obj):
    """Where an argument or source is shown: its parent's page, at its place once published."""
    return obj.get_absolute_url() if obj.published else obj.parent.get_absolute_url()


@require_http_methods(["GET", "POST"])
def argument_edit_view(request, slug, step_slug, pk):
    project, step = _resolve(request, slug, step_slug)
    argument, opinion = _small_object(step, Argument, pk)
    if argument.kind == Argument.Kind.FOR:
        title = _("Modifier votre argument « pour »")
    else:
        title = _("Modifier votre argument « contre »")
    return _contribution_edit(
        request,
        project,
        step,
        argument,
        form=ArgumentEditForm(request.POST or None, initial={"body": argument.body}),
        save=lambda data: {"body": data["body"]},
        title=title,
        back=_back_to_parent(argument),
        section=opinion.section,
        opinion=opinion,
        version=argument.version if argument.version_id else None,
    )


@require_http_methods(["GET", "POST"])
def source_edit_view(request, slug, step_slug, pk):
    project, step = _resolve(request, slug, step_slug)
    source, opinion = _small_object(step, Source, pk)
    initial = {
        "title": source.title,
        "link": source.link,
        "category": source.category,
        "body": source.body,
    }
    return _contribution_edit(
        request,
        project,
        step,
        source,
        form=SourceForm(request.POST or None, initial=initial),
        save=lambda data: data,
        title=_("Modifier la source « %(title)s »") % {"title": source.title},
        back=_back_to_parent(source),
        section=opinion.section,
        opinion=opinion,
        version=source.version if source.version_id else None,
    )
