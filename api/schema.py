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
