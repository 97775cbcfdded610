"""django-axes glue: which account an attempt targets, and the lockout page."""

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import ngettext


def axes_username(request, credentials):
    """allauth authenticates with ``email=``; its form posts ``login``."""
    credentials = credentials or {}
    value = (
        credentials.get("email")
        or credentials.get("username")
        or credentials.get("login")
        or (request.POST.get("login") if request is not None else None)
        or ""
    )
    return value.strip().lower()


def lockout_response(request, credentials, *args, **kwargs):
    hours = settings.AXES_COOLOFF_TIME
    return render(
        request,
        "account/lockout.html",
        {
            "cooloff_hours": hours,
            "message": ngettext(
                "Trop de tentatives de connexion ont échoué pour ce compte : il est bloqué "
                "pendant %(hours)s heure. Vous pouvez réinitialiser votre mot de passe ou "
                "contacter l'organisation.",
                "Trop de tentatives de connexion ont échoué pour ce compte : il est bloqué "
                "pendant %(hours)s heures. Vous pouvez réinitialiser votre mot de passe ou "
                "contacter l'organisation.",
                hours,
            )
            % {"hours": hours},
        },
        status=429,
    )
