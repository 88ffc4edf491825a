"""How the token authentication appears in the OpenAPI schema (loaded by
ApiConfig.ready, where drf-spectacular finds registered extensions)."""

from drf_spectacular.authentication import SessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema: object) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token from your API tokens page or "
            "`manage.py api_token_create`: Authorization: Bearer ort_…",
        }


class ApiSessionScheme(SessionScheme):
    target_class = "api.authentication.ApiSessionAuthentication"


def idempotency_key_documented(
    result: dict, generator: object, request: object, public: bool
) -> dict:
    """A POSTPROCESSING_HOOK: every POST takes an optional Idempotency-Key header
    (api.idempotency, applied to all of them by middleware) and may answer 400 for
    a malformed key and 422 for a key used for another request."""
    problem = {
        "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
    }
    for operations in result.get("paths", {}).values():
        post = operations.get("post")
        if post is None:
            continue
        post.setdefault("parameters", []).append(
            {
                "in": "header",
                "name": "Idempotency-Key",
                "required": False,
                "schema": {"type": "string", "pattern": "^[!-~]{1,255}$"},
                "description": "Send a POST again with the same key: it runs once "
                "(docs/guide-api.md, Retrying safely).",
            }
        )
        responses = post.setdefault("responses", {})
        responses.setdefault(
            "400", {"description": "A malformed Idempotency-Key", "content": problem}
        )
        responses["422"] = {
            "description": "The Idempotency-Key was used for another request",
            "content": problem,
        }
    return result
