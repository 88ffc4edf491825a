"""The test environment: development values, then the one settings module.

Set DJANGO_TEST_DATABASE_NAME to run two suites side by side on one server.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("DJANGO_SECURE_COOKIES", "0")
os.environ.setdefault("SIGNING_CHAIN_KEY_ID", "test-only")
os.environ.setdefault(
    "SIGNING_CHAIN_KEY", "test-only-signature-chain-key-not-for-production"
)

from orderreview import db  # noqa: E402

# pytest-django creates, migrates and flushes the test database: the owner's work.
# tests/hardening/test_database_role.py connects as the app role on purpose.
db.connect_as_owner()

from orderreview.settings import *  # noqa: E402, F403

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests run tasks where they are enqueued unless a test drives the real worker.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# Flushes between transactional tests bypass the TRUNCATE triggers (tests/pgbackend).
DATABASES["default"]["ENGINE"] = "tests.pgbackend"  # noqa: F405
