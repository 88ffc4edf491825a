"""Background tasks (django-tasks): sending notices off the request path."""

from datetime import datetime

from django_tasks import task


@task()
def send_notice(notice_id: int, attempts: int) -> str:
    """Send one notice; failures are recorded on it and retried with backoff."""
    from communications.outbound import notice_send

    return notice_send(notice_id=notice_id, expected_attempts=attempts)


def enqueue_send(
    *, notice_id: int, attempts: int, run_after: datetime | None = None
) -> None:
    """Queue the send; a backend that cannot defer (tests: immediate) runs it now."""
    send = send_notice
    if run_after is not None and send.get_backend().supports_defer:
        send = send.using(run_after=run_after)
    send.enqueue(notice_id, attempts)
