from django.apps import AppConfig


class PagesConfig(AppConfig):
    """The pages that show several domains at once: home, orders, customers, and the
    public portal and catalog request. It sits above the domain apps and reads them
    only through their selectors and services."""

    name = "pages"
    verbose_name = "Pages"
