import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from palabre.core import richtext
from palabre.settings.env import parse_email_url

ROOT = Path(__file__).resolve().parents[4]


@pytest.mark.django_db
def test_security_headers(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_no_third_party_host_and_no_inline_script(client):
    html = client.get("/").content.decode()
    assert "<script>" not in html
    for marker in ('src="http', 'href="http', "//fonts.", "cdn"):
        assert marker not in html.replace('href="http://testserver', ""), marker


@pytest.mark.django_db
@override_settings(SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=31536000)
def test_https_redirect_and_hsts(client):
    assert client.get("/projects/").status_code == 301
    response = client.get("/projects/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_production_settings_pass_check_deploy(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "palabre.settings.base",
        "DEBUG": "false",
        "SECRET_KEY": "k" * 20 + "x9!Zq#Lm2@Vb7$Tr5%Wn8^Yp4&Hd6*Jf" * 2,
        "ALLOWED_HOSTS": "participer.example.org",
        "PALABRE_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for browser tests only
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("console://", {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}),
        ("file:///tmp/mails", {"EMAIL_FILE_PATH": "/tmp/mails"}),
        (
            "smtp://user%40x:p%40ss@mail.example.org:587?tls=1",
            {
                "EMAIL_HOST": "mail.example.org",
                "EMAIL_PORT": 587,
                "EMAIL_HOST_USER": "user@x",
                "EMAIL_HOST_PASSWORD": "p@ss",
                "EMAIL_USE_TLS": True,
                "EMAIL_USE_SSL": False,
            },
        ),
        ("smtps://mail.example.org", {"EMAIL_PORT": 465, "EMAIL_USE_SSL": True}),
    ],
)
def test_email_url(url, expected):
    parsed = parse_email_url(url)
    for key, value in expected.items():
        assert parsed[key] == value


def test_email_url_rejects_unknown_scheme():
    with pytest.raises(ValueError, match="unsupported"):
        parse_email_url("pigeon://coo")


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("<p>ok<script>alert(1)</script></p>", "<p>ok</p>"),
        ('<a href="javascript:alert(1)">x</a>', '<a rel="noopener noreferrer nofollow ugc">x</a>'),
        ('<img src=x onerror="alert(1)">', ""),
        ("<p onclick='x()'>texte</p>", "<p>texte</p>"),
        ("Deux\n\nparagraphes & <3", "<p>Deux</p>\n\n<p>paragraphes &amp; &lt;3</p>"),
    ],
)
def test_richtext_sanitises(dirty, clean):
    assert str(richtext.clean(dirty)) == clean


def test_richtext_keeps_structure():
    html = '<h2>Titre</h2><ul><li><a href="https://example.org">lien</a></li></ul>'
    out = str(richtext.clean(html))
    assert "<h2>Titre</h2>" in out and 'href="https://example.org"' in out


def test_production_static_files_collect_and_render(tmp_path):
    """With DEBUG off, pages need the collected manifest: a missing static dir is a 500."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "palabre.settings.base",
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "testserver",
        "PALABRE_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    script = (
        "import django; django.setup();"
        "from django.core.management import call_command;"
        "call_command('migrate', verbosity=0);"
        "call_command('collectstatic', interactive=False, verbosity=0);"
        "from django.test import Client; r = Client().get('/');"
        "assert r.status_code == 200, r.status_code;"
        "html = r.content.decode(); assert '/static/palabre/css/palabre.' in html, html[:500];"
        "css = html.split('/static/palabre/css/')[1].split('\"')[0];"
        "assert Client().get('/static/palabre/css/' + css).status_code == 200"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import sys; sys.path.insert(0, 'src'); {script}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]


def _csp_answer(request_factory, view, middleware=None, path="/"):
    from palabre.core.middleware import CSPMiddleware

    middleware = middleware or CSPMiddleware(view)
    request = request_factory.get(path)
    middleware.process_request(request)
    return request, middleware.process_response(request, view(request))


def test_csp_header_built_once_is_django_csps_and_follows_the_settings(rf):
    from csp.utils import build_policy
    from django.http import HttpResponse

    from palabre.core.middleware import CSPMiddleware

    def view(request):
        return HttpResponse("ok")

    middleware = CSPMiddleware(view)  # one instance throughout, as in a server process
    _, response = _csp_answer(rf, view, middleware)
    assert response["Content-Security-Policy"] == build_policy()
    with override_settings(
        CONTENT_SECURITY_POLICY={"DIRECTIVES": {"default-src": ["'none'"]}},
        CONTENT_SECURITY_POLICY_REPORT_ONLY={"DIRECTIVES": {"img-src": ["'self'"]}},
    ):
        _, response = _csp_answer(rf, view, middleware)
        assert response["Content-Security-Policy"] == "default-src 'none'"
        assert response["Content-Security-Policy-Report-Only"] == build_policy(report_only=True)
        assert "img-src 'self'" in response["Content-Security-Policy-Report-Only"]
    _, response = _csp_answer(rf, view, middleware)
    assert response["Content-Security-Policy"] == build_policy()
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert "Content-Security-Policy-Report-Only" not in response
    with override_settings(
        CONTENT_SECURITY_POLICY={"EXCLUDE_URL_PREFIXES": ["/legacy/"], "DIRECTIVES": {}}
    ):
        _, response = _csp_answer(rf, view, middleware, path="/legacy/page/")
        assert "Content-Security-Policy" not in response
        _, response = _csp_answer(rf, view, middleware, path="/other/")
        assert response["Content-Security-Policy"] == build_policy()


def test_csp_of_a_decorated_view_or_a_nonce_is_built_for_that_response(rf):
    from csp.constants import NONCE
    from csp.decorators import csp_update
    from django.http import HttpResponse

    from palabre.core.middleware import csp_exempt

    @csp_update({"img-src": ["https://tiles.example.org"]})
    def tiles(request):
        return HttpResponse("ok")

    _, response = _csp_answer(rf, tiles)
    assert "https://tiles.example.org" in response["Content-Security-Policy"]
    _, response = _csp_answer(rf, csp_exempt()(lambda request: HttpResponse("ok")))
    assert "Content-Security-Policy" not in response

    def with_nonce(request):
        return HttpResponse(str(request.csp_nonce))

    with override_settings(
        CONTENT_SECURITY_POLICY={"DIRECTIVES": {"script-src": ["'self'", NONCE]}}
    ):
        _, response = _csp_answer(rf, with_nonce)
        nonce = response.content.decode()
        directives = response["Content-Security-Policy"].split("; ")
        assert f"script-src 'self' 'nonce-{nonce}'" in directives
        _, plain = _csp_answer(rf, lambda request: HttpResponse("ok"))
        assert "script-src 'self'" in plain["Content-Security-Policy"].split("; ")
    with pytest.raises(Exception, match="after the CSP header"):
        str(_csp_answer(rf, lambda request: HttpResponse("ok"))[0].csp_nonce)


def test_csp_headers_exact_with_and_without_a_decorator_a_nonce_or_an_exemption(rf):
    """The headers each kind of response gets, to the character: the shortcut's answers (no
    decorator, no nonce) and django-csp's (the rest) are the ones django-csp's own middleware
    writes (the order of the directives follows a set's, so it is compared within a process)."""
    from csp.constants import NONCE
    from csp.decorators import csp, csp_replace, csp_update
    from csp.exceptions import CSPNonceError
    from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
    from django.http import HttpResponse

    from palabre.core.middleware import csp_exempt

    enforced, reported = "Content-Security-Policy", "Content-Security-Policy-Report-Only"

    def answers(view):
        """Palabre's headers, and django-csp's for the same view (a nonce made the same)."""
        request, ours = _csp_answer(rf, view)
        theirs = _csp_answer(rf, view, DjangoCSPMiddleware(view))[1]
        headers = [
            {name: response.get(name) for name in (enforced, reported)}
            for response in (ours, theirs)
        ]
        if ours.content != theirs.content:  # a nonce: each request has its own
            nonce, other = ours.content.decode(), theirs.content.decode()
            headers[1] = {k: v and v.replace(other, nonce) for k, v in headers[1].items()}
        assert headers[0] == headers[1]
        return request, {k: v and set(v.split("; ")) for k, v in headers[0].items()}

    def plain(request):
        return HttpResponse("ok")

    policy = {
        "DIRECTIVES": {
            "default-src": ["'self'"],
            "script-src": ["'self'", NONCE],
            "img-src": ["'self'", "data:"],
            "frame-ancestors": ["'none'"],
        }
    }
    site = {"default-src 'self'", "script-src 'self'", "img-src 'self' data:"}
    site |= {"frame-ancestors 'none'"}
    report_only = {"DIRECTIVES": {"default-src": ["'none'"], "report-uri": "/csp-report/"}}
    reports = {"default-src 'none'", "report-uri /csp-report/"}
    with override_settings(
        CONTENT_SECURITY_POLICY=policy, CONTENT_SECURITY_POLICY_REPORT_ONLY=report_only
    ):
        for _ in range(2):  # built, then kept
            request, headers = answers(plain)
            assert headers == {enforced: site, reported: reports}
            assert not request.csp_nonce
            with pytest.raises(CSPNonceError):
                str(request.csp_nonce)
        _, headers = answers(csp_update({"img-src": ["https://tiles.example.org"]})(plain))
        assert headers == {
            enforced: site - {"img-src 'self' data:"}
            | {"img-src 'self' data: https://tiles.example.org"},
            reported: reports,
        }
        _, headers = answers(csp_replace({"img-src": ["'none'"]})(plain))
        assert headers[enforced] == site - {"img-src 'self' data:"} | {"img-src 'none'"}
        _, headers = answers(csp({"default-src": ["'self'"]})(plain))
        assert headers == {enforced: {"default-src 'self'"}, reported: reports}
        _, headers = answers(
            csp_update({"img-src": ["https://r.example.org"]}, REPORT_ONLY=True)(plain)
        )
        assert headers == {enforced: site, reported: reports | {"img-src https://r.example.org"}}

        def with_nonce(request):
            return HttpResponse(str(request.csp_nonce))

        request, headers = answers(with_nonce)
        nonce = str(request.csp_nonce)
        assert headers[enforced] == site - {"script-src 'self'"} | {
            f"script-src 'self' 'nonce-{nonce}'"
        }
        assert request.csp_nonce
        _, headers = answers(csp_exempt()(plain))
        assert headers == {enforced: None, reported: reports}
        _, headers = answers(csp_exempt(report_only=True)(plain))
        assert headers == {enforced: site, reported: None}
    assert csp_exempt()(plain).__name__ == "plain"


def test_palabre_views_exempt_from_the_csp_through_palabres_csp_exempt_only():
    """django-csp's ``csp_exempt`` marks a response with an attribute it does not document;
    Palabre's middleware sees an exemption through ``palabre.core.middleware.csp_exempt``."""
    import re

    direct = re.compile(r"from csp\.decorators import[^\n]*csp_exempt|csp\.decorators\.csp_exempt")
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "src").rglob("*.py")
        if path.name != "middleware.py" and direct.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
