"""The OpenAPI schema is valid, and real answers match what it says."""

import pytest
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate

from api.tests.conftest import assert_error
from books.models import Book
from books.tests.factories import book_factory
from exports.tests.factories import generated_book

pytestmark = pytest.mark.django_db


@pytest.fixture
def spec(anonymous):
    response = anonymous.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def assert_matches(spec: dict, response, path: str, method: str) -> None:
    """The response's status is documented for the operation, and its body fits that status's schema."""
    operation = spec["paths"][path][method]
    documented = operation["responses"].get(str(response.status_code))
    assert documented, f"{method.upper()} {path} does not document {response.status_code}"
    schema = documented["content"]["application/json"]["schema"]
    OAS30Validator({**schema, "components": spec["components"]}).validate(response.json())
    for header in documented.get("headers", {}):
        assert header in response, f"{header} is documented but missing"


def test_the_schema_is_valid_openapi_3(spec):
    validate(spec)
    assert spec["openapi"].startswith("3.")
    assert "apiToken" in spec["components"]["securitySchemes"]


def test_the_error_shape_is_a_component_used_by_every_operation(spec):
    assert "Error" in spec["components"]["schemas"]
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if "/download/" in path:
                continue  # the signed download link needs no token
            assert "401" in operation["responses"], f"{method} {path}"
            assert "Retry-After" in operation["responses"]["429"]["headers"], f"{method} {path}"


def test_asynchronous_answers_are_documented_as_202(spec):
    assert "202" in spec["paths"]["/api/v1/books/"]["post"]["responses"]
    assert "202" in spec["paths"]["/api/v1/books/{book_id}/pages/{number}/regenerate/"]["post"]["responses"]
    assert {"200", "202"} <= set(spec["paths"]["/api/v1/books/{book_id}/exports/"]["post"]["responses"])


def test_real_answers_match_the_schema(spec, api, owner):
    book = generated_book(owner=owner)
    book_factory(owner=owner, status=Book.Status.FAILED)
    checks = [
        (api.get("/api/v1/books/"), "/api/v1/books/", "get"),
        (api.get(f"/api/v1/books/{book.id}/"), "/api/v1/books/{book_id}/", "get"),
        (api.get("/api/v1/me/"), "/api/v1/me/", "get"),
        (api.get("/api/v1/me/badges/"), "/api/v1/me/badges/", "get"),
        (api.get("/api/v1/leaderboard/"), "/api/v1/leaderboard/", "get"),
        (
            api.post("/api/v1/books/", {"style": "cartoon", "num_pages": 5, "theme": "owls"}, format="json"),
            "/api/v1/books/",
            "post",
        ),
        (
            api.post(f"/api/v1/books/{book.id}/exports/", {"format": "zip"}, format="json"),
            "/api/v1/books/{book_id}/exports/",
            "post",
        ),
        (
            api.post(f"/api/v1/books/{book.id}/share/", {"expiry": "7d"}, format="json"),
            "/api/v1/books/{book_id}/share/",
            "post",
        ),
    ]
    for response, path, method in checks:
        assert response.status_code < 300, response.content
        assert_matches(spec, response, path, method)


def test_real_errors_match_the_schema(spec, api, anonymous, owner):
    owner.daily_requests_override = 0
    owner.save()
    checks = [
        (anonymous.get("/api/v1/me/"), "/api/v1/me/", "get", 401),
        (api.post("/api/v1/books/", {"num_pages": "x"}, format="json"), "/api/v1/books/", "post", 400),
        (
            api.post("/api/v1/books/", {"style": "cartoon", "num_pages": 5, "theme": "owls"}, format="json"),
            "/api/v1/books/",
            "post",
            429,
        ),
        (
            api.get("/api/v1/books/00000000-0000-0000-0000-000000000000/"),
            "/api/v1/books/{book_id}/",
            "get",
            404,
        ),
    ]
    for response, path, method, status in checks:
        assert_error(response, status)
        assert_matches(spec, response, path, method)


def test_the_interactive_docs_are_served_from_this_site(anonymous):
    page = anonymous.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert "cdn" not in page.lower() and "unpkg" not in page.lower()
