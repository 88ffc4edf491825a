from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Reviews and signatures"

    def ready(self) -> None:
        from orderreview import events
        from reviews import receivers

        events.revision_submitted.connect(
            receivers.review_open_on_submission,
            dispatch_uid="reviews.review_open_on_submission",
        )
        events.agreement_link_wanted.connect(
            receivers.agreement_link_for_notice,
            dispatch_uid="reviews.agreement_link_for_notice",
        )
