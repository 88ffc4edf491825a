"""Stored files go out as downloads only: never rendered in our origin, where an
uploaded HTML or SVG could otherwise run script as us."""

from typing import IO

from django.http import FileResponse


def file_download(
    handle: IO[bytes], *, filename: str, content_type: str
) -> FileResponse:
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
