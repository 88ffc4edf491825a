from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Demo data, scale seeding, the benchmark and EXPLAIN reports.

    Nothing in the other apps imports this one: a production install may leave it
    out of INSTALLED_APPS (make run and make bench need it)."""

    name = "devtools"
    verbose_name = "Development tools"
