"""Environment read once.

Every setting that an operator may change is read here, from environment variables, and
nowhere else. ``ENV`` is built at import time and never re-read.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

BASE_DIR = Path(__file__).resolve().parents[3]


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _list(value: str | None, default: list[str]) -> list[str]:
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def var_dir() -> Path:
    path = Path(os.environ.get("PALABRE_VAR_DIR") or BASE_DIR / "var")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _secret_key(debug: bool) -> str:
    """SECRET_KEY from the environment; else one generated once into var/ (demo, tests)."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    key_file = var_dir() / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def parse_rate(value: str | None, default: tuple[int, int] | None) -> tuple[int, int] | None:
    """A rate limit, ``N`` (per minute) or ``N/s``, ``N/m``, ``N/h``, ``N/10m``…, as
    ``(amount, seconds)``; ``0`` or empty: no limit (``None``); unset: ``default``."""
    if value is None:
        return default
    value = value.strip()
    amount, _, period = value.partition("/")
    try:
        count = int(amount or 0)
        if count <= 0:
            return None
        period = period.strip() or "m"
        unit = {"s": 1, "m": 60, "h": 3600}[period[-1]]
        seconds = int(period[:-1] or 1) * unit
    except (KeyError, ValueError):
        raise ValueError(f"bad rate {value!r}: expected N, N/s, N/m, N/h or N/10m") from None
    if seconds <= 0:
        raise ValueError(f"bad rate {value!r}: the period must be positive")
    return count, seconds


def _seconds(name: str, default: float) -> float:
    """A duration in seconds from ``name``; ``0``: none (no timeout)."""
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    try:
        seconds = float(value)
    except ValueError:
        raise ValueError(f"{name}: expected a number of seconds, not {value!r}") from None
    if seconds < 0:
        raise ValueError(f"{name}: expected a number of seconds ≥ 0, not {value!r}")
    return seconds


def parse_email_url(url: str) -> dict:
    """Turn EMAIL_URL into Django email settings.

    ``smtp://user:password@host:587?tls=1``, ``smtps://…`` (implicit TLS), ``file:///path``,
    ``console://`` and ``locmem://``.
    """
    parsed = urlparse(url)
    scheme = parsed.scheme
    if scheme == "file":
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": unquote(parsed.path) or str(var_dir() / "mail"),
        }
    if scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme == "locmem":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if scheme in {"smtp", "smtps"}:
        query = parse_qs(parsed.query)
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parsed.hostname or "localhost",
            "EMAIL_PORT": parsed.port or (465 if scheme == "smtps" else 25),
            "EMAIL_HOST_USER": unquote(parsed.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
            "EMAIL_USE_SSL": scheme == "smtps",
            "EMAIL_USE_TLS": _bool((query.get("tls") or [""])[0], False),
        }
    raise ValueError(f"EMAIL_URL: unsupported scheme {scheme!r}")


@dataclass(frozen=True)
class Env:
    debug: bool
    secret_key: str
    allowed_hosts: list[str]
    csrf_trusted_origins: list[str]
    database_url: str
    redis_url: str | None
    email: dict
    default_from_email: str
    media_root: Path
    static_root: Path
    serve_media: bool
    secure_ssl_redirect: bool
    behind_proxy: bool
    site_url: str
    page_cache_seconds: int
    map_tile_url: str = ""
    map_tile_attribution: str = ""
    benchmark_trivial_view: bool = False
    # Votes a participant may cast per period, as (amount, seconds); None: no limit.
    vote_rate_limit: tuple[int, int] | None = (60, 60)
    # PostgreSQL: seconds to wait for a connection, and for a statement (0: no limit).
    database_connect_timeout: float = 5
    database_statement_timeout: float = 30

    @property
    def map_tile_origins(self) -> list[str]:
        """The tile server's origin, for the CSP's img-src (``{s}`` subdomains: a wildcard)."""
        parsed = urlparse(self.map_tile_url)
        if parsed.scheme not in {"http", "https"} or not parsed.hostname:
            return []
        host = parsed.hostname.replace("{s}", "*")
        port = f":{parsed.port}" if parsed.port else ""
        return [f"{parsed.scheme}://{host}{port}"]


def read() -> Env:
    debug = _bool(os.environ.get("DEBUG"), False)
    var = var_dir()
    return Env(
        debug=debug,
        secret_key=_secret_key(debug),
        allowed_hosts=_list(os.environ.get("ALLOWED_HOSTS"), ["127.0.0.1", "localhost"]),
        csrf_trusted_origins=_list(os.environ.get("CSRF_TRUSTED_ORIGINS"), []),
        database_url=os.environ.get("DATABASE_URL") or f"sqlite:///{var / 'palabre.sqlite3'}",
        redis_url=os.environ.get("REDIS_URL") or None,
        email=parse_email_url(os.environ.get("EMAIL_URL") or f"file://{var / 'mail'}"),
        default_from_email=os.environ.get("DEFAULT_FROM_EMAIL") or "noreply@localhost",
        media_root=Path(os.environ.get("MEDIA_ROOT") or var / "media"),
        static_root=Path(os.environ.get("STATIC_ROOT") or var / "static"),
        serve_media=_bool(os.environ.get("SERVE_MEDIA"), True),
        secure_ssl_redirect=_bool(os.environ.get("SECURE_SSL_REDIRECT"), not debug),
        behind_proxy=_bool(os.environ.get("BEHIND_PROXY"), False),
        site_url=os.environ.get("SITE_URL") or "http://127.0.0.1:8000",
        page_cache_seconds=int(os.environ.get("PAGE_CACHE_SECONDS") or 60),
        map_tile_url=os.environ.get("MAP_TILE_URL", "").strip(),
        map_tile_attribution=os.environ.get("MAP_TILE_ATTRIBUTION", "").strip(),
        benchmark_trivial_view=_bool(os.environ.get("BENCHMARK_TRIVIAL_VIEW"), False),
        vote_rate_limit=parse_rate(os.environ.get("VOTE_RATE_LIMIT"), (60, 60)),
        database_connect_timeout=_seconds("DATABASE_CONNECT_TIMEOUT", 5),
        database_statement_timeout=_seconds("DATABASE_STATEMENT_TIMEOUT", 30),
    )


ENV = read()
