from django.apps import AppConfig
from django.db.models.signals import post_migrate


class OrderReviewConfig(AppConfig):
    name = "orderreview"
    verbose_name = "OrderReview"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from orderreview.auth import last_login_update
        from orderreview.db_roles import grant_after_migrate
        from orderreview.roles import sync_roles

        # Groups are created by a data migration; permissions only exist once every
        # app has migrated, so they are (re)attached after each migrate -- and after
        # a test flush, which also sends post_migrate.
        post_migrate.connect(sync_roles, sender=self)
        # The app role gets rows of every table, the new ones too (and registers the
        # check --deploy of the app's role on import).
        post_migrate.connect(grant_after_migrate, sender=self)
        # Same dispatch_uid as django.contrib.auth's receiver, connected first (this
        # app is listed before auth), so auth's history-writing one is never added.
        user_logged_in.connect(last_login_update, dispatch_uid="update_last_login")
