from functools import wraps
from http import HTTPStatus

from csp.decorators import csp_exempt as django_csp_exempt
from csp.exceptions import CSPNonceError
from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.middleware import PolicyParts
from csp.utils import build_policy
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


_CSP_DEBUG_STATUSES = (HTTPStatus.INTERNAL_SERVER_ERROR, HTTPStatus.NOT_FOUND)
_CSP_HEADERS = (
    ("Content-Security-Policy", "CONTENT_SECURITY_POLICY", False),
    ("Content-Security-Policy-Report-Only", "CONTENT_SECURITY_POLICY_REPORT_ONLY", True),
)
_NO_PARTS = PolicyParts()
# Palabre's own mark of a response exempted by ``csp_exempt`` below: django-csp keeps its
# exemption in an attribute it does not document, so the middleware does not read it.
_EXEMPT_ATTRIBUTE = "palabre_csp_exempt"


def csp_exempt(report_only: bool = False):
    """django-csp's ``csp_exempt(REPORT_ONLY=…)``, marked for ``CSPMiddleware`` below.

    Palabre's views use this one, never ``csp.decorators.csp_exempt`` (a test checks): the
    middleware's shortcut must know, through a name Palabre owns, that a response is exempt.
    """

    def decorator(view):
        exempt = django_csp_exempt(REPORT_ONLY=report_only)(view)

        @wraps(view)
        def wrapped(*args, **kwargs):
            response = exempt(*args, **kwargs)
            setattr(response, _EXEMPT_ATTRIBUTE, True)
            return response

        return wrapped

    return decorator


class _NonceAfterResponse:
    """``request.csp_nonce`` once the header is written, as django-csp documents it: false when
    tested, an error (``CSPNonceError``) when read."""

    def __bool__(self) -> bool:
        return False

    def _refuse(self, *args, **kwargs):
        raise CSPNonceError(
            "The 'csp_nonce' attribute is not available after the CSP header has been written. "
            "Consider adjusting your MIDDLEWARE order."
        )

    __str__ = __format__ = _refuse

    def __repr__(self) -> str:
        return "<csp_nonce: not available after the CSP header>"


class CSPMiddleware(BaseCSPMiddleware):
    """django-csp's middleware, with the site's policy built once per settings.

    django-csp builds both headers (enforced and report-only) from the settings for every
    response: a dozen directives copied and joined, on every page and every vote. A response
    whose policy parts (``get_policy_parts``: no ``csp``, ``csp_update`` or ``csp_replace``
    decorator, no nonce) are empty and that ``csp_exempt`` (Palabre's, above) did not mark gets
    the same headers each time, so they are built once and kept until the setting is replaced
    (``override_settings`` in tests; a change made inside the setting's dict is not seen, and a
    lazy value such as a ``reverse_lazy`` report address is evaluated once); any other response
    goes through django-csp itself. Only django-csp's documented names are used: the
    middleware's ``process_request``/``process_response``/``get_policy_parts``, ``PolicyParts``,
    ``build_policy``, ``bool(request.csp_nonce)`` and ``CSPNonceError``.
    """

    def __init__(self, get_response=None):
        super().__init__(get_response)
        self._policies: dict[str, tuple[object, str, tuple[str, ...]]] = {}

    def _policy(self, setting: str, report_only: bool) -> tuple[str, tuple[str, ...]]:
        """The header of ``setting`` and its excluded path prefixes, from one read of it."""
        value = getattr(settings, setting, None)
        kept = self._policies.get(setting)
        if kept is None or kept[0] is not value:
            policy = build_policy(report_only=report_only) if value else ""
            prefixes = tuple((value or {}).get("EXCLUDE_URL_PREFIXES") or ())
            kept = (value, policy, prefixes)
            self._policies[setting] = kept
        return kept[1], kept[2]

    def _policy_of_its_own(self, request, response) -> bool:
        """Whether a decorator, a nonce or an exemption makes this response's policy its own."""
        return (
            bool(getattr(request, "csp_nonce", None))
            or getattr(response, _EXEMPT_ATTRIBUTE, False)
            or self.get_policy_parts(request, response) != _NO_PARTS
            or self.get_policy_parts(request, response, report_only=True) != _NO_PARTS
        )

    def process_response(self, request, response):
        if self._policy_of_its_own(request, response):
            return super().process_response(request, response)
        if settings.DEBUG and response.status_code in _CSP_DEBUG_STATUSES:
            return response  # the debug pages, as django-csp leaves them
        for header, setting, report_only in _CSP_HEADERS:
            policy, prefixes = self._policy(setting, report_only)
            if policy and header not in response and not request.path_info.startswith(prefixes):
                response[header] = policy
        # As django-csp: a nonce asked for after the header is written is an error.
        request.csp_nonce = _NonceAfterResponse()
        return response
