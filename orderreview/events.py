"""Domain events: the one place that lists the signals apps send each other.

Services send these; nothing else does. They exist so that an app can react to another
without importing it the wrong way (orders <- requirements <- reviews; communications
listens to all). Receivers run inside the sender's transaction: a receiver that must
only act once the change is committed (sending e-mail, enqueueing a task) wraps its
work in transaction.on_commit.

revision_submitted(revision)
    Sent by requirements.services when a requirement revision is submitted:
    revision 1 is the intake, later numbers are change orders.
review_decided(review, decision, agreement_token)
    Sent by reviews.services when a decision is signed. agreement_token is the
    portal token of an acceptance with conditions the customer must agree to (shown
    in the notice, never stored), else None.
agreement_link_wanted(order)
    Sent by communications.outbound when it sends a notice asking the customer to
    agree to conditions: the reviews app's receiver returns a fresh answer token for
    the order's pending agreement (only its hash is stored; earlier links stop
    working), or None when nothing waits for an answer.
customer_answered(agreement)
    Sent by reviews.agreements when the customer's answer to the conditions of an
    acceptance is recorded (agreed or declined; portal or customer service).
review_assessed(review)
    Sent by reviews.services when verdicts were recorded on a review (one or many).
notice_failed(notice)
    Sent by communications.outbound when a notice to a customer is given up on
    after its last attempt.
catalog_request_received(order)
    Sent by requirements.services when a visitor's catalog request is on file.
order_customer_changed(order, user)
    Sent by orders.services.order_header_update when a draft order's customer
    changed (corrected, or a catalog request confirmed): what is filed against the
    order follows it to its customer.
change_requested(revision, user, subject, body, attachment)
    Sent by requirements.change_orders.change_order_start when the person raising a
    change order logs the customer's own request with it (attachment: an uploaded
    file or None). A receiver's ValidationError refuses the whole change order.
quote_answered(quote, name, accepted, message, key)
    Sent by requirements.quote_portal when the customer accepts a quote through its
    link (accepted True), and by pages.quote_portal when they ask for changes
    through it (accepted False, message their words); key names the answer once.
disposed_orders_asked()
    Sent by reviews.record.disposed_orders (verify_signatures) before it compares
    signed content with today's rows: each receiver returns {order id: note} for
    orders whose content was disposed of under retention. Those orders are named
    with their note instead of compared (their signatures are still verified).

Who listens:
- reviews.receivers opens a review on revision_submitted.
- communications.receivers queues the order acknowledgement (revision 1), the change
  notice and the decision notice; on catalog_request_received, the receipt to the
  requester (their reference, at once); on change_requested, files the logged change
  request as an inbound change-notice communication on the order; on
  order_customer_changed, moves the order's communications and customer property to
  the order's customer.
- audit.receivers answers disposed_orders_asked from its disposal tombstones.
- staffmail.receivers tells the people concerned by e-mail (review opened, ready to
  sign, decided, the customer's answer to conditions or to a quote, a failed notice).
- webhooks.receivers queues signed deliveries to registered endpoints on
  revision_submitted, review_decided and notice_failed (sent by the worker's sweep).
"""

from django.dispatch import Signal

revision_submitted = Signal()
review_decided = Signal()
catalog_request_received = Signal()
change_requested = Signal()
order_customer_changed = Signal()
review_assessed = Signal()
customer_answered = Signal()
agreement_link_wanted = Signal()
notice_failed = Signal()
disposed_orders_asked = Signal()
quote_answered = Signal()
