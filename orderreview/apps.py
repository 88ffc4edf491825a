from django.apps import AppConfig
from django.db.models.signals import post_migrate


class OrderReviewConfig(AppConfig):
    name = "orderreview"
    verbose_name = "OrderReview"

    def ready(self) -> None:
        from orderreview.roles import sync_roles

        # Groups are created by a data migration; permissions only exist once every
        # app has migrated, so they are (re)attached after each migrate -- and after
        # a test flush, which also sends post_migrate.
        post_migrate.connect(sync_roles, sender=self)
