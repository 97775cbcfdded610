from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from palabre.core import components
from palabre.core.params import local_url, parse_id

from . import emails, permissions, selectors, services, targets
from .forms import CommentForm, NotificationPreferenceForm, ReportForm
from .models import Comment, NotificationPreference


def _target(request, content_type_id, object_id):
    try:
        ct = ContentType.objects.get_for_id(content_type_id)
    except ContentType.DoesNotExist as exc:
        raise Http404 from exc
    model = ct.model_class()
    if model not in components.contribution_models():
        raise Http404
    # Published and not already moderated: the form quotes the text it reports.
    obj = model.objects.filter(pk=object_id, published=True, trashed_at__isnull=True).first()
    if obj is None:
        raise Http404
    # Never quote a contribution from a project the reporter may not see (draft, restricted).
    if not targets.visible_to(request.user, obj):
        raise Http404
    return obj


def _next(request, obj):
    url = request.POST.get("next") or request.GET.get("next")
    return local_url(request, url, obj.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def report(request, content_type_id, object_id):
    obj = _target(request, content_type_id, object_id)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_create(
                reporter=request.user,
                obj=obj,
                reason=form.cleaned_data["reason"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Merci : votre signalement a été transmis à l'équipe de modération.")
            )
            return redirect(_next(request, obj))
    return render(
        request,
        "participation/report.html",
        {"form": form, "target": obj, "next": _next(request, obj)},
        status=400 if request.method == "POST" else 200,
    )


# --- comments -------------------------------------------------------------------------------


def _comment_target(request, content_type_id, object_id, *, check_visibility: bool = True):
    """A registered target the visitor may see, or 404."""
    try:
        ct = ContentType.objects.get_for_id(content_type_id)
    except ContentType.DoesNotExist as exc:
        raise Http404 from exc
    model = ct.model_class()
    if model is None or not targets.is_target(model):
        raise Http404
    obj = model._default_manager.filter(pk=object_id).first()
    if obj is None:
        raise Http404
    if check_visibility and (
        getattr(obj, "published", True) is False or not targets.visible_to(request.user, obj)
    ):
        raise Http404
    return obj


def _safe_next(request, default: str) -> str:
    return local_url(request, request.POST.get("next") or request.GET.get("next"), default)


def _at_comment(url: str, comment) -> str:
    """``url`` showing the comments page where ``comment`` is, scrolled to it."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "comments_page"]
    page = selectors.comment_page_of(comment)
    if page > 1:
        query.append(("comments_page", str(page)))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), comment.anchor))


def _login_first(request, next_url):
    return redirect_to_login(next_url, reverse("account_login"))


@require_POST
def comment_create(request, content_type_id, object_id):
    target = _comment_target(request, content_type_id, object_id)
    next_url = _safe_next(request, target.get_absolute_url())
    if not request.user.is_authenticated:
        return _login_first(request, next_url)
    form = CommentForm(request.POST)
    parent_id = (request.POST.get("parent") or "").strip()
    parent = None
    if parent_id:
        parent = Comment.objects.filter(
            pk=parse_id(parent_id) or 0,
            content_type_id=content_type_id,
            object_id=object_id,
        ).first()
    if form.is_valid() and parent_id and parent is None:
        form.add_error(None, _("Le commentaire auquel vous répondez n'existe plus."))
    if form.is_valid():
        try:
            comment = services.comment_create(
                author=request.user, target=target, body=form.cleaned_data["body"], parent=parent
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if comment.published:
                messages.success(request, _("Votre commentaire est publié."))
            else:
                messages.info(
                    request,
                    _(
                        "Votre commentaire sera publié dès que vous aurez confirmé votre "
                        "adresse e-mail (lien reçu par e-mail)."
                    ),
                )
            return redirect(_at_comment(next_url, comment))
    return render(
        request,
        "participation/comment_form.html",
        {"form": form, "target": target, "next": next_url, "parent": parent, "editing": None},
        status=400,
    )


@require_http_methods(["GET", "POST"])
def comment_edit(request, pk):
    comment = Comment.objects.filter(pk=pk).select_related("content_type").first()
    if comment is None or comment.target is None:
        raise Http404
    target = _comment_target(request, comment.content_type_id, comment.object_id)
    default = comment.get_absolute_url()
    next_url = _safe_next(request, default)
    if not request.user.is_authenticated:
        return _login_first(request, request.get_full_path())
    decision = permissions.comment_edit(request.user, comment)
    if not decision:
        raise PermissionDenied(decision.reason)
    form = CommentForm(request.POST or None, initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_edit(
                comment=comment, editor=request.user, body=form.cleaned_data["body"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Votre commentaire a été modifié."))
            return redirect(_at_comment(next_url, comment))
    return render(
        request,
        "participation/comment_form.html",
        {"form": form, "target": target, "next": next_url, "parent": None, "editing": comment},
        status=400 if request.method == "POST" else 200,
    )


# --- follows --------------------------------------------------------------------------------


@require_POST
def follow_toggle(request, content_type_id, object_id):
    """``action=follow`` or ``action=unfollow`` (explicit, so a double click changes nothing).

    One may always stop following, even a target one may no longer see."""
    unfollow = request.POST.get("action") == "unfollow"
    target = _comment_target(request, content_type_id, object_id, check_visibility=not unfollow)
    next_url = _safe_next(request, target.get_absolute_url())
    if not request.user.is_authenticated:
        return _login_first(request, next_url)
    if unfollow:
        services.follow_delete(user=request.user, target=target)
        messages.success(request, _("Vous ne suivez plus « %(title)s ».") % {"title": target})
    else:
        try:
            services.follow_create(user=request.user, target=target)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("Vous suivez « %(title)s » : vous serez prévenu·e de ses nouvelles.")
                % {"title": target},
            )
    return redirect(next_url)


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request):
    preference = NotificationPreference.objects.filter(user=request.user).first()
    initial = preference.frequency if preference else NotificationPreference.Frequency.IMMEDIATE
    form = NotificationPreferenceForm(request.POST or None, initial={"frequency": initial})
    if request.method == "POST" and form.is_valid():
        services.notification_preference_set(
            user=request.user, frequency=form.cleaned_data["frequency"]
        )
        messages.success(request, _("Vos préférences de notification ont été enregistrées."))
        return redirect("notification_settings")
    follows = [f for f in selectors.follows_of(request.user) if f.target is not None]
    return render(
        request,
        "participation/notification_settings.html",
        {
            "form": form,
            "follows": follows,
            "tabs": components.settings_tabs(),
            "active_tab": "notification_settings",
        },
        status=400 if request.method == "POST" else 200,
    )


# --- one-click unsubscribe (from an email, without logging in) --------------------------------


@csrf_exempt  # the signed token is the credential; mail clients POST without a CSRF token
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    try:
        unsubscription = emails.unsubscribe_read(token)
    except ValidationError as exc:
        return render(
            request,
            "participation/unsubscribe.html",
            {"error": " ".join(exc.messages)},
            status=400,
        )
    target = None
    if unsubscription.target_key is not None:
        content_type_id, object_id = unsubscription.target_key
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model is not None:
            target = model._default_manager.filter(pk=object_id).first()
    done = False
    if request.method == "POST":
        services.unsubscribe_apply(token=token)
        done = True
    response = render(
        request,
        "participation/unsubscribe.html",
        {"unsubscription": unsubscription, "target": target, "done": done},
    )
    response["X-Robots-Tag"] = "noindex"
    return response
