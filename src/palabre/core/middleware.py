from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

from .selectors import organisation_context


class OrganisationLocaleMiddleware:
    """The visitor's chosen language (cookie), else the organisation's default language.

    The browser's Accept-Language is deliberately ignored: a French city's platform opens in
    French, and the switcher in the header changes it for the visitor.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.supported:
            # Kept for the context processor: one cache read per request.
            request.organisation_context = organisation_context()
            language = request.organisation_context["organisation"].default_language
            if language not in self.supported:
                language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response
