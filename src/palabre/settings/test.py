"""Settings for the test suite: fast hashing, mail in memory, no HTTPS redirect."""

from .base import *  # noqa: F403
from .base import CONTENT_SECURITY_POLICY

DEBUG = False
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
ALLOWED_HOSTS = ["*"]
CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
PAGE_CACHE_SECONDS = 0  # tests that exercise the page cache turn it on themselves
# One process: no cache needs sharing (a database cache would need the database in every
# test that clears it). What the shared default cache is for, a limit that holds across
# processes, is tested on the real settings in two processes (tests/test_rate_limits.py).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default"},
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
}
