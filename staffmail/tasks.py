"""Background tasks (django-tasks): e-mail to staff, off the request path."""

from django_tasks import task


@task()
def send_staff_message(message_id: int, attempts: int) -> str:
    from staffmail.sending import message_send

    return message_send(message_id=message_id, expected_attempts=attempts)
