"""Helpers that keep the OpenAPI schema telling the truth about errors and asynchronous answers."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

from api.serializers import ErrorSerializer

ERROR_DESCRIPTIONS = {
    400: "Invalid input; `details` maps each field to its messages.",
    401: "No valid token or session.",
    403: "Not allowed.",
    404: "No such object, or it belongs to someone else.",
    409: "The object is not in a state that allows this (for example, the book is still being drawn).",
    413: "The request body is too large.",
    415: "The request body is not JSON (`Content-Type: application/json`).",
    429: "Rate limit or generation quota reached; see the `Retry-After` header.",
}


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    """The error responses of an endpoint; 401 and 429 apply to every endpoint."""
    return {code: _error(code) for code in sorted({401, 429, *statuses})}


def _error(code: int) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[code])


RETRY_AFTER = OpenApiParameter(
    "Retry-After",
    OpenApiTypes.INT,
    location=OpenApiParameter.HEADER,
    response=[429],
    description="Seconds to wait before asking again.",
)
LOCATION = OpenApiParameter(
    "Location",
    OpenApiTypes.URI,
    location=OpenApiParameter.HEADER,
    response=[201, 202],
    description="Where to follow the object being made.",
)


# Every operation that reads a JSON body can refuse it: not JSON (400, 415) or too large (413).
BODY_ERRORS = (400, 413, 415)
PAGE_NOT_FOUND = OpenApiResponse(
    ErrorSerializer, description="No such page (`?page=` past the end, or not a page number)."
)


class AutoSchema(BaseAutoSchema):
    """Every operation documents the ``Retry-After`` header of its 429 and the ``Location`` of its 202.

    Paginated lists also document the 404 that DRF's pagination answers for a page that does not
    exist, and operations with a JSON body the parser's 400, 413 and 415.
    """

    def get_override_parameters(self):
        return [*super().get_override_parameters(), RETRY_AFTER, LOCATION]

    def _get_response_bodies(self, direction="response"):
        # Not get_response_serializers(): @extend_schema(responses=...) replaces that method.
        bodies = super()._get_response_bodies(direction)
        if "404" not in bodies and self._is_paginated_list():
            bodies["404"] = self._get_response_for_code(PAGE_NOT_FOUND, "404", direction=direction)
        if self._reads_a_body():
            for code in BODY_ERRORS:
                if str(code) not in bodies:
                    bodies[str(code)] = self._get_response_for_code(
                        _error(code), str(code), direction=direction
                    )
        return bodies

    def _reads_a_body(self) -> bool:
        return self.method in ("POST", "PUT", "PATCH") and self.get_request_serializer() is not None

    def _is_paginated_list(self) -> bool:
        return self.method == "GET" and self._get_paginator() is not None and self._is_list_view()


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token (`fab_…`): `manage.py api_token <email>`.",
        }
