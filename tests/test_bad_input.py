"""Hostile values in every id, page number, filter and cookie a view parses: never a 500.

Every route of the URLconf (read through ``django.urls.get_resolver()``, so a new route is
swept too) is requested with each of its path parameters replaced by hostile values (a number
beyond the database's integer range, a negative one, ``1e5``, Unicode digits that
``str.isdigit()`` accepts, an empty string, a NUL byte); with the query parameters its page
offers (links and form fields) and those views are known to read, all set to each value at
once, and one by one where the answer is not a page (a refusal may come before the other
parameters are read); with the consultation's seed cookie set to them; and posted the same
way. The answer may be anything a browser can show (a page, a redirect, a 400, a 403, a 404,
a 405), never a server error, nor a 429 (the vote rate limit is off here: it would refuse
before the services run). A hostile request is sent only where it may run other code than the
valid one: the names each view looked up are recorded (``LookupMiddleware``), and a request
whose hostile names none of them looked up is skipped (that is what keeps the sweep fast).
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import pytest
from django.db import transaction
from django.http import QueryDict
from django.test import Client
from django.urls import URLResolver, get_resolver
from django.utils import timezone

HOSTILE = [
    "99999999999999999999",  # beyond a 64-bit integer: SQLite overflows, PostgreSQL refuses
    "9223372036854775808",  # 2**63, one past the largest bigint
    "-1",
    "1e5",
    "²",  # str.isdigit() says yes, int() says no
    "٣",  # Arabic-Indic three: int() accepts it
    "",
    "\x00",
    "1\x00",
]

# Each field alone gets these (every field at once gets them all): what a parser may take for
# a number (beyond the range, ², ٣) and what a database may refuse (NUL).
HOSTILE_EACH = ["99999999999999999999", "²", "٣", "\x00"]

# Query parameters the views read, besides those their pages offer (links and form fields).
KNOWN_GET = [
    "page",
    "seed",
    "sort",
    "q",
    "theme",
    "district",
    "category",
    "status",
    "bbox",
    "comments_page",
    "opinion",
    "version",
    "kind",
    "draft",
    "fresh",
    "next",
    "pour",
    "contre",
]

# Form fields the views read, besides those their pages' forms offer.
KNOWN_POST = [
    "parent",
    "draft",
    "remove_file",
    "opinion",
    "version",
    "value",
    "action",
    "direction",
    "here",
    "where",
    "anonymous",
    "on",
    "next",
    "status",
]

# Cookies parsed by views.
COOKIES = ["consultation_seed"]

# Answers a hostile value may get: anything 5xx is a failure, and so is a 429 (the vote rate
# limit is turned off in the sweep: a refusal before the services run would hide their errors).
OK = set(range(200, 500)) - {429}


@dataclass(frozen=True)
class Route:
    route: str  # the pattern, converters included
    namespace: str | None
    name: str | None

    @property
    def id(self) -> str:
        return self.route or "/"


def _walk(patterns, prefix: str = "", namespace: str | None = None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(
                pattern.url_patterns, prefix + str(pattern.pattern), pattern.namespace or namespace
            )
        else:
            yield Route(prefix + str(pattern.pattern), namespace, pattern.name)


def routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns))


# <conv:name>, <name>, (?P<name>...) with no nested group.
PARAM = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>|\(\?P<(?P<group>\w+)>[^()]*\)")


def params_of(route: str) -> list[str]:
    return [m["name"] or m["group"] for m in PARAM.finditer(route)]


def build(route: str, values: dict[str, str]) -> str:
    def fill(match):
        return quote(values[match["name"] or match["group"]], safe="")

    path = PARAM.sub(fill, route).replace("^", "").replace("$", "")
    return "/" + path


def group_of(route: Route) -> str:
    if route.route.startswith("admin/"):
        return "admin"
    if route.route.startswith("accounts/"):
        return "accounts"
    if route.namespace in ("collect", "selection", "consultation"):
        return route.namespace
    if route.route.startswith("participation/"):
        return "participation"
    return "core"


GROUPS = ["core", "collect", "selection", "consultation", "participation", "accounts", "admin"]


# -- content ---------------------------------------------------------------------------------


@dataclass
class World:
    steps: dict  # kind -> (project slug, step slug)
    values: dict  # "group:route prefix or name" -> path values
    queries: dict  # (namespace, route name) -> the query a valid request carries
    participant: object
    organiser: object


def _world() -> World:
    from django.contrib.contenttypes.models import ContentType

    from palabre.components.collect import services as collect_services
    from palabre.components.collect.models import Preset
    from palabre.components.collect.tests.conftest import proposal_data
    from palabre.components.consultation.models import Argument, Source, Version
    from palabre.components.selection.tests.conftest import make_selection
    from palabre.core.models import District, Page, Step, Theme
    from palabre.participation import services as participation_services
    from tests.browser import seed_consultation

    bill = seed_consultation.bill_consultation()
    leila = bill.participants[0]
    theme = Theme.objects.create(name="Environnement", slug="environnement")
    district = District.objects.create(name="Centre-ville", slug="centre-ville")
    now = timezone.now()
    collect_step = Step.objects.create(
        project=bill.project,
        position=2,
        title="Dépôt des projets",
        slug="depot",
        kind="collect",
        starts_at=now - timedelta(days=7),
        ends_at=now + timedelta(days=21),
    )
    collect = collect_services.collect_create(step=collect_step, preset=Preset.BUDGET)
    data = proposal_data(collect, theme=str(theme.pk), district=str(district.pk))
    draft, _refused = collect_services.draft_save(author=leila, collect=collect, data=data)
    proposal = collect_services.proposal_submit(author=leila, draft=draft)
    draft, _refused = collect_services.draft_save(author=leila, collect=collect, data=data)
    comment = participation_services.comment_create(author=leila, target=proposal, body="Oui !")
    selection = make_selection(n=3)
    vote_step = selection.step
    candidate = selection.collect.proposals.order_by("number").first()
    article = bill.article
    version = Version.objects.filter(opinion=article).first()
    argument = Argument.objects.filter(author=leila).first()
    source = Source.objects.first()
    page = Page.objects.first()
    proposal_ct = ContentType.objects.get_for_model(proposal)
    steps = {
        "collect": (bill.project.slug, collect_step.slug),
        "consultation": (bill.project.slug, bill.step.slug),
        "selection": (vote_step.project.slug, vote_step.slug),
        "core": (bill.project.slug, bill.step.slug),
    }
    values = {
        "collect:proposals/": {"pk": proposal.pk},
        "collect:proposals/drafts/": {"pk": draft.pk},
        "collect:export": {"fmt": "csv"},
        "selection:vote/": {"pk": candidate.pk},
        "consultation:debate/opinions/": {"pk": article.pk, "version_pk": version.pk},
        "consultation:debate/arguments/": {"pk": argument.pk},
        "consultation:debate/sources/": {"pk": source.pk},
        "consultation:debate/sections/": {"section_slug": bill.articles.slug},
        "participation:": {
            "content_type_id": proposal_ct.pk,
            "object_id": proposal.pk,
            "pk": comment.pk,
            "token": "x",
        },
        "core:themes/": {"slug": theme.slug},
        "core:districts/": {"slug": district.slug},
        "core:pages/": {"slug": page.slug},
        "core:projects/": {"slug": bill.project.slug, "step_slug": bill.step.slug},
        "core:profile/": {"username": leila.username},
        "core:language/": {"code": "en"},
        "core:^media/": {"path": "nothing.png"},
        "accounts:": {"key": "abc", "uidb36": "1"},
        "admin:": {
            "object_id": str(proposal.pk),
            "content_type_id": str(proposal_ct.pk),
            "pk": str(bill.consultation.pk),
            "id": str(leila.pk),
            "app_label": "core",
            "url": "nowhere/",
        },
    }
    queries = {
        ("consultation", "argument_create"): {"opinion": str(article.pk), "kind": "for"},
        ("consultation", "source_create"): {"opinion": str(article.pk)},
    }
    return World(
        steps=steps,
        values=values,
        queries=queries,
        participant=leila,
        organiser=bill.organiser,
    )


def valid_values(world: World, route: Route) -> dict[str, str]:
    group = group_of(route)
    values: dict[str, str] = {}
    if group in world.steps:
        values["slug"], values["step_slug"] = world.steps[group]
    # The step's own part of the route, after the project and step slugs.
    tail = re.sub(r"^projects/<slug:slug>/<slug:step_slug>/", "", route.route)
    for key, found in world.values.items():
        kgroup, prefix = key.split(":", 1)
        if kgroup == group and (tail.startswith(prefix) or route.name == prefix):
            values.update({k: str(v) for k, v in found.items()})
    missing = [p for p in params_of(route.route) if p not in values]
    assert not missing, f"no valid value for {missing} in {route.route}: add one to _world()"
    return values


class _Names(HTMLParser):
    """The parameters a page offers: its links' query strings and its GET forms' fields
    (``get``), its POST forms' fields (``post``)."""

    def __init__(self):
        super().__init__()
        self.get: set[str] = set()
        self.post: set[str] = set()
        self._method = "get"

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._method = (attrs.get("method") or "get").lower()
        if tag == "a" and attrs.get("href") and "?" in attrs["href"]:
            self.get.update(k for k, _v in parse_qsl(urlsplit(attrs["href"]).query, True))
        if tag in ("input", "select", "textarea", "button") and attrs.get("name"):
            (self.post if self._method == "post" else self.get).add(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._method = "get"


def offered_names(response) -> tuple[set[str], set[str]]:
    if "html" not in response.get("Content-Type", ""):
        return set(), set()
    parser = _Names()
    parser.feed(response.content.decode("utf-8", "replace"))
    skip = {"csrfmiddlewaretoken"}
    return parser.get - skip, parser.post - skip


# -- the sweep -------------------------------------------------------------------------------


class _Lookups:
    """The names the code handling a request looked up in its query, its form and its cookies
    (``everything`` when it read them whole: iterated, copied, encoded them)."""

    def __init__(self):
        self.names: set[str] | None = None  # None: not recording
        self.everything = False

    def start(self) -> None:
        self.names, self.everything = set(), False

    def stop(self) -> tuple[set[str], bool]:
        names, everything = self.names or set(), self.everything
        self.names, self.everything = None, False
        return names, everything

    def saw(self, name) -> None:
        if self.names is not None:
            self.names.add(name)

    def saw_everything(self) -> None:
        if self.names is not None:
            self.everything = True

    @contextlib.contextmanager
    def paused(self):
        names, self.names = self.names, None
        try:
            yield
        finally:
            self.names = names


LOOKUPS = _Lookups()


def _whole(method):
    def read_whole(self, *args, **kwargs):
        LOOKUPS.saw_everything()
        return method(self, *args, **kwargs)

    return read_whole


_WHOLE = ["__iter__", "__eq__", "__repr__", "keys", "values", "items", "copy"]

# A name no view reads, carried by every request the sweep compares (the valid one and the
# hostile ones): all of them are then non-empty, so ``request.POST or None`` (a form bound or
# not) takes the same branch in each, and a query's or form's length is not a lookup of all.
SENTINEL = {"sweep": "1"}


class _NamesSeen:
    """Notes each name looked up by key (present or not); mixed into a query and cookies."""

    def __getitem__(self, key):
        LOOKUPS.saw(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        LOOKUPS.saw(key)
        return super().__contains__(key)

    def get(self, key, default=None):
        LOOKUPS.saw(key)
        return super().get(key, default)


class _RecordedQuery(_NamesSeen, QueryDict):
    """A request's query or form, noting each name looked up (present or not)."""

    def getlist(self, key, default=None):
        LOOKUPS.saw(key)
        return super().getlist(key, default)


for _name in [*_WHOLE, "lists", "dict", "urlencode", "__copy__", "__deepcopy__", "__reduce__"]:
    setattr(_RecordedQuery, _name, _whole(getattr(QueryDict, _name)))


class _RecordedCookies(_NamesSeen, dict):
    """A request's cookies, noting each name looked up."""


for _name in [*_WHOLE, "pop", "__reduce__"]:
    setattr(_RecordedCookies, _name, _whole(getattr(dict, _name)))


class LookupMiddleware:
    """Hands the views a query, a form and cookies that note what is looked up in them (the
    test's middleware, right after the one dropping cookies that hold a NUL: the middlewares
    before it read no query, no form field and no cookie of the sweep)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if LOOKUPS.names is not None:
            with LOOKUPS.paused():
                request.GET = _RecordedQuery(request.GET.urlencode(), encoding=request.GET.encoding)
                if request.method == "POST":
                    request.POST = _RecordedQuery(
                        request.POST.urlencode(), encoding=request.POST.encoding
                    )
                request.COOKIES = _RecordedCookies(request.COOKIES)
        return self.get_response(request)


def _with_lookups(middleware: list[str]) -> list[str]:
    after = middleware.index("palabre.core.params.NulCookieMiddleware") + 1
    return [*middleware[:after], f"{__name__}.LookupMiddleware", *middleware[after:]]


def _request(client: Client, method: str, url: str, data=None):
    """One request; a server error (raised by the test client) is returned, not raised.

    Each request runs in a savepoint, so that a database error on PostgreSQL does not break
    the test's transaction for the requests after it."""
    try:
        with transaction.atomic():
            if method == "get":
                return client.get(url)
            return client.post(url, data or {})
    except Exception as exc:  # noqa: BLE001 - every server error is what this test reports
        return exc


class _Sweep:
    """Sends the hostile requests of each route, and only those that may change what the
    views do: a request is a valid one (``valid``) plus hostile names; when no code that
    handled the valid request, nor any sent since to the same address, looked any of those
    names up (present or not) nor read the query, form or cookies whole, it would run the same
    code and is not sent (``skipped`` counts them)."""

    def __init__(self, client: Client, world: World):
        self.client = client
        self.world = world
        self.failures: list[str] = []
        self.baseline: dict[str, int] = {}
        self.requests = 0
        self.skipped = 0
        self.looked: dict[tuple[str, str], set[str] | None] = {}  # None: read whole

    def check(self, method: str, url: str, data=None, what: str = "") -> int:
        self.requests += 1
        LOOKUPS.start()
        try:
            answer = _request(self.client, method, url, data)
        finally:
            names, everything = LOOKUPS.stop()
        key = (method, url.split("?")[0])
        if everything or self.looked.get(key, set()) is None:
            self.looked[key] = None
        else:
            self.looked[key] = self.looked.get(key, set()) | names
        self.answer = answer
        status = getattr(answer, "status_code", None)
        if status not in OK:
            shown = repr(answer) if status is None else status
            self.failures.append(f"{method.upper()} {url!r} {what} -> {shown}")
        return status or 500

    def may_matter(self, method: str, url: str, names) -> bool:
        """Whether a request to ``url`` carrying ``names`` may run other code than the valid
        request did: some of them were looked up there (or since), or everything was read."""
        looked = self.looked.get((method, url.split("?")[0]), None)
        if looked is None or not looked.isdisjoint(names):
            return True
        self.skipped += 1
        return False

    def params(
        self,
        method: str,
        url: str,
        names: set[str],
        valid: dict,
        *,
        cookies: bool = False,
        each: bool = True,
    ):
        """Every name set to each hostile value at once; where the answer is not a page
        (a refusal may come before the other parameters are read), each name alone."""
        valid = {**valid, **SENTINEL}
        if method == "post":
            # The valid request, for what its handling looks up.
            self.check("post", url, valid, what="(valid values)")
        for value in HOSTILE:
            if not self.may_matter(method, url, [*names, *(COOKIES if cookies else [])]):
                continue
            if cookies:
                for cookie in COOKIES:
                    # As a server reads it: the bytes a browser sent, decoded as Latin-1.
                    self.client.cookies[cookie] = value.encode().decode("latin-1")
            everything = {**valid, **dict.fromkeys(sorted(names), value)}
            if method == "get":
                status = self.check("get", f"{url}?{urlencode(everything)}")
            else:
                status = self.check("post", url, everything, what=f"(every field = {value!r})")
            if cookies:
                for cookie in COOKIES:
                    del self.client.cookies[cookie]
            if status == 405:
                return
            if status == 200 or not each or value not in HOSTILE_EACH:
                continue
            for name in sorted(names):
                if not self.may_matter(method, url, [name]):
                    continue
                if method == "get":
                    self.check("get", f"{url}?{urlencode({**valid, name: value})}")
                else:
                    data = {**valid, name: value}
                    self.check("post", url, data, what=f"({name} = {value!r})")

    def run(self, selected: list[Route], *, admin: bool = False):
        posts = []
        for route in selected:
            values = valid_values(self.world, route)
            url = build(route.route, values)
            valid = self.world.queries.get((route.namespace, route.name), {})
            query = f"?{urlencode(valid)}" if valid else ""
            status = self.check("get", f"{url}?{urlencode({**valid, **SENTINEL})}", "(valid)")
            self.baseline[route.id] = status
            get_names, post_names = set(KNOWN_GET), set(KNOWN_POST)
            offered_get: set[str] = set()
            if status == 200:
                offered_get, offered_post = offered_names(self.answer)
                get_names |= offered_get
                post_names |= offered_post
            for param in params_of(route.route):
                for value in HOSTILE:
                    hostile = build(route.route, {**values, param: value})
                    self.check("get", hostile + query, what=f"[{param}]")
            if status != 405:
                names = get_names if not admin else offered_get
                self.params("get", url, names, valid, cookies=True)
            posts.append((url, post_names, valid))
        # Posts last: they may change what the pages above show. In the back office (Django's
        # own forms, many fields) every field at once only.
        for url, names, valid in posts:
            self.params("post", url, names, valid, each=not admin)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("42", 42),
        (42, 42),
        ("9223372036854775807", 2**63 - 1),
        ("9223372036854775808", None),
        ("99999999999999999999", None),
        ("0", None),
        ("-1", None),
        ("1e5", None),
        ("²", None),
        ("٣", None),
        (" 1", None),
        ("1\x00", None),
        ("", None),
        (None, None),
        (True, None),
        (["1"], None),
    ],
)
def test_parse_id_accepts_ascii_digits_within_the_key_range_only(value, expected):
    from palabre.core.params import parse_id

    assert parse_id(value) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/profile/%00/",
        "/projects/?q=%00",
        "/projects/?theme=a%00b",
        "/admin/core/user/?role__exact=%00",
    ],
)
def test_a_nul_character_in_the_address_is_a_bad_request(client, url):
    """PostgreSQL refuses NUL in any text it compares: a 500 wherever a view or a filter
    looked a value up, now one 400 before any view."""
    response = client.get(url)
    assert response.status_code == 400
    assert "caractère nul" in response.content.decode()


@pytest.mark.django_db
def test_the_nul_refusal_speaks_the_visitors_language(client, settings):
    """The 400 is answered after the language is chosen: in English for a visitor who chose
    it (the language cookie) or on a platform whose default is English."""
    from palabre.core.models import Organisation
    from palabre.core.selectors import organisation_context_forget

    response = client.get("/projects/?q=%00")
    assert response.status_code == 400
    assert response.content.decode() == "Adresse de page invalide : elle contient un caractère nul."
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/projects/?q=%00", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.content.decode() == "Invalid URL: it contains a null character."
    assert response["Content-Language"] == "en"
    # A language cookie holding a NUL is ignored: the organisation's default language speaks.
    Organisation.objects.filter(pk=Organisation.load().pk).update(default_language="en")
    organisation_context_forget()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr\x00"
    response = client.get("/profile/%00/")
    assert response.status_code == 400
    assert response.content.decode() == "Invalid URL: it contains a null character."


@pytest.mark.django_db
def test_a_cookie_with_a_nul_character_is_ignored(client, settings):
    client.cookies[settings.SESSION_COOKIE_NAME] = "abcdefgh\x00ijklmnop"
    client.cookies["consultation_seed"] = "3\x00"
    assert client.get("/projects/").status_code == 200


ALL_ROUTES = routes()

# Routes a valid request may answer 404 (nothing to show with the seeded content).
MAY_BE_ABSENT = {
    "__trivial__",
    "^media/(?P<path>.*)$",
    "admin/(?P<url>.*)$",
}


@pytest.mark.django_db
def test_the_sweep_records_what_views_look_up(settings):
    """A view's lookups are recorded, so the sweep skips only the requests whose hostile names
    no code looked up (and sends every one to a view that reads its query whole)."""
    from palabre.core.models import Theme

    settings.MIDDLEWARE = _with_lookups(settings.MIDDLEWARE)
    Theme.objects.create(name="Environnement", slug="environnement")
    client = Client()
    LOOKUPS.start()
    assert client.get("/themes/environnement/?unknown=1").status_code == 200
    names, everything = LOOKUPS.stop()
    assert "page" in names
    assert "unknown" not in names
    assert not everything
    # The projects' filters are a form bound to the whole query: read whole.
    LOOKUPS.start()
    assert client.get("/projects/", {"q": "x"}).status_code == 200
    assert LOOKUPS.stop()[1] is True
    # Not recording: nothing is noted.
    client.get("/themes/environnement/?page=2")
    assert LOOKUPS.stop() == (set(), False)


@pytest.mark.django_db  # the suite's fixtures clear the caches, one of them in the database
def test_every_route_is_swept():
    """Every route of the URLconf falls into a group of the sweep below."""
    assert {group_of(route) for route in ALL_ROUTES} <= set(GROUPS)
    assert len([r for r in ALL_ROUTES if "<int:" in r.route]) == 0, (
        "ids in URLs use the <id:…> converter (palabre.core.params), which answers 404 beyond "
        "the database's integer range"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("group", GROUPS)
def test_hostile_values_never_answer_500(group, settings):
    settings.PAGE_CACHE_SECONDS = 0
    # What the limiter reads (palabre.core.ratelimit): off, so every vote reaches the services.
    settings.VOTE_RATE_LIMIT = None
    settings.MIDDLEWARE = _with_lookups(settings.MIDDLEWARE)
    world = _world()
    selected = [r for r in ALL_ROUTES if group_of(r) == group]
    assert selected
    client = Client()
    user = world.organiser if group == "admin" else world.participant
    client.force_login(user, backend="palabre.core.auth_backends.AuthenticationBackend")
    sweep = _Sweep(client, world)
    sweep.run(selected, admin=group == "admin")
    failures = sweep.failures
    assert not failures, (
        f"{len(failures)} server errors or rate-limit refusals (5xx, 429) in "
        f"{sweep.requests} requests:\n" + "\n".join(failures[:80])
    )
    # The lookups were recorded (else every hostile request would have been skipped).
    assert any(looked is None or looked for looked in sweep.looked.values())
    # The valid values reach the views (else the sweep would only test the 404 page).
    absent = [r for r, status in sweep.baseline.items() if status == 404 and r not in MAY_BE_ABSENT]
    assert not absent, f"valid values answered 404: {absent}"
