"""Request body parsing for the API."""

from django.core.exceptions import SuspiciousOperation
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser, MultiPartParser


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser, but JSON nested deeper than Python can follow is a bad
    request (400 problem details), not a RecursionError (500)."""

    def parse(self, stream, media_type=None, parser_context=None):  # noqa: ANN001, ANN201
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("The JSON is nested too deeply.") from None


class BoundedMultiPartParser(MultiPartParser):
    """DRF's multipart parser, but a body over Django's limits (too many fields,
    too much data) is a bad request (400 problem details), like any other body
    that cannot be read."""

    def parse(self, stream, media_type=None, parser_context=None):  # noqa: ANN001, ANN201
        try:
            return super().parse(stream, media_type, parser_context)
        except SuspiciousOperation as error:
            raise ParseError(f"The form data could not be read: {error}") from None
