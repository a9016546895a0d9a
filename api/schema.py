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
    429: "Rate limit or generation quota reached; see the `Retry-After` header.",
}


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    """The error responses of an endpoint; 401 and 429 apply to every endpoint."""
    codes = sorted({401, 429, *statuses})
    return {code: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[code]) for code in codes}


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


class AutoSchema(BaseAutoSchema):
    """Every operation documents the ``Retry-After`` header of its 429 and the ``Location`` of its 202."""

    def get_override_parameters(self):
        return [*super().get_override_parameters(), RETRY_AFTER, LOCATION]


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token (`fab_…`): `manage.py api_token <email>`.",
        }
