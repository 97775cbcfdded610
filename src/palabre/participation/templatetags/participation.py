from urllib.parse import urlencode as encode_query

from django import template
from django.contrib.contenttypes.models import ContentType
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode

from .. import permissions, selectors
from ..forms import CommentForm

register = template.Library()


LEAVE_GUARD_LOADED = "_palabre_leave_guard_loaded"


@register.simple_tag(takes_context=True)
def leave_guard_assets(context):
    """``{% leave_guard_assets %}``: the stylesheet and script of the leave guard (forms marked
    ``data-leave-guard`` ask before one leaves them with unsaved text), once per page.

    A page's ``head`` asks for them for its own forms, and a block it includes asks again for
    its forms (the comment section under an article): the head comes first and writes them,
    the second call writes nothing. Remembered on the request, so pages load them through this
    tag rather than their own ``<script>`` tags."""
    request = context.get("request")
    if request is not None:
        if getattr(request, LEAVE_GUARD_LOADED, False):
            return ""
        setattr(request, LEAVE_GUARD_LOADED, True)
    return format_html(
        '<link rel="stylesheet" href="{}"><script src="{}" defer></script>',
        static("participation/leave_guard.css"),
        static("participation/leave_guard.js"),
    )


@register.simple_tag
def report_url(obj, next_url=""):
    ct = ContentType.objects.get_for_model(obj)
    url = reverse("report", args=[ct.pk, obj.pk])
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def _target_args(target) -> list:
    return [ContentType.objects.get_for_model(target).pk, target.pk]


@register.inclusion_tag("participation/_comment_section.html", takes_context=True)
def comment_section(context, target):
    """``{% comment_section target %}``: the comments of ``target``, paginated, with the forms
    to comment, reply and edit (or an invitation to log in). A fixed number of queries."""
    request = context["request"]
    user = context.get("user") or request.user
    page = selectors.comments_for(target, request.GET.get("comments_page") or 1, viewer=user)
    query = [(k, v) for k, v in request.GET.items() if k != "comments_page"]
    can_view_form = permissions.comment_view(target)
    can_comment = permissions.comment_create(user, target) if can_view_form else can_view_form
    return {
        "request": request,
        "user": user,
        "csrf_token": context.get("csrf_token"),
        "target": target,
        "page_obj": page,
        "comments": page.object_list,
        "count": selectors.comment_count(target),
        "query": encode_query(query),
        "here": request.get_full_path(),
        "login_url": f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}",
        "post_url": reverse("comment_create", args=_target_args(target)),
        "can_view_form": can_view_form,
        "can_comment": can_comment,
        "form": CommentForm(auto_id="id_comment_%s"),
        "section_id": "comments",
    }


@register.inclusion_tag("participation/_follow_button.html", takes_context=True)
def follow_button(context, target):
    """``{% follow_button target %}``: a POST form to follow or stop following ``target``."""
    request = context["request"]
    user = context.get("user") or request.user
    return {
        "csrf_token": context.get("csrf_token"),
        "user": user,
        "target": target,
        "following": selectors.is_following(user, target),
        "action_url": reverse("follow_toggle", args=_target_args(target)),
        "here": request.get_full_path(),
        "login_url": f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}",
    }


@register.simple_tag
def comment_edit_url(comment, next_url=""):
    url = reverse("comment_edit", args=[comment.pk])
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url
