from django.apps import AppConfig


class CommunicationsConfig(AppConfig):
    name = "communications"
    verbose_name = "Customer communications"

    def ready(self) -> None:
        from communications import receivers
        from orderreview import events

        events.revision_submitted.connect(
            receivers.on_revision_submitted,
            dispatch_uid="communications.acknowledgement",
        )
        events.review_decided.connect(
            receivers.on_review_decided, dispatch_uid="communications.decision"
        )
        events.catalog_request_received.connect(
            receivers.on_catalog_request_received,
            dispatch_uid="communications.receipt",
        )
        events.change_requested.connect(
            receivers.on_change_requested, dispatch_uid="communications.change_request"
        )
        events.order_customer_changed.connect(
            receivers.on_order_customer_changed,
            dispatch_uid="communications.order_customer",
        )
