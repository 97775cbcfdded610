from http import HTTPStatus

from csp.constants import HEADER as CSP_HEADER
from csp.constants import HEADER_REPORT_ONLY as CSP_HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.utils import build_policy, default_config
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
# Response attributes through which django-csp's decorators change one response's policy.
_CSP_PER_RESPONSE = tuple(
    f"_csp_{part}{suffix}"
    for part in ("config", "update", "replace", "exempt")
    for suffix in ("", "_ro")
)


class CSPMiddleware(BaseCSPMiddleware):
    """django-csp's middleware, with the site's policy built once per settings.

    django-csp builds both headers (enforced and report-only) from the settings for every
    response: a dozen directives copied and joined, on every page and every vote. A response
    that no decorator changes and whose request used no nonce gets the same headers each time,
    so they are built once and kept until the setting is replaced (``override_settings`` in
    tests; a change made inside the setting's dict is not seen, and a lazy value such as a
    ``reverse_lazy`` report address is evaluated once); any other response goes through
    django-csp itself.
    """

    def __init__(self, get_response=None):
        super().__init__(get_response)
        self._policies: dict[str, tuple[object, str, tuple[str, ...]]] = {}

    def _policy(self, setting: str, report_only: bool) -> tuple[str, tuple[str, ...]]:
        """The header of ``setting`` and its excluded path prefixes, from one read of it."""
        value = getattr(settings, setting, None)
        kept = self._policies.get(setting)
        if kept is None or kept[0] is not value:
            config = default_config(value.get("DIRECTIVES", {})) if value else None
            policy = build_policy(config=config, report_only=report_only) if config else ""
            prefixes = tuple((value or {}).get("EXCLUDE_URL_PREFIXES") or ())
            kept = (value, policy, prefixes)
            self._policies[setting] = kept
        return kept[1], kept[2]

    def process_response(self, request, response):
        if getattr(request, "_csp_nonce", None) is not None or any(
            hasattr(response, name) for name in _CSP_PER_RESPONSE
        ):
            return super().process_response(request, response)
        if settings.DEBUG and response.status_code in _CSP_DEBUG_STATUSES:
            return response  # the debug pages, as django-csp leaves them
        for header, setting, report_only in (
            (CSP_HEADER, "CONTENT_SECURITY_POLICY", False),
            (CSP_HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", True),
        ):
            policy, prefixes = self._policy(setting, report_only)
            if policy and header not in response and not request.path_info.startswith(prefixes):
                response[header] = policy
        # As django-csp: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
