"""A web process with WEB_MAX_INFLIGHT requests in hand refuses the next one politely."""

from __future__ import annotations

import json
import threading

import pytest
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from fabrica.admission import AdmissionMiddleware


class _SlowSite:
    """Answers /slow/ only when released, everything else at once."""

    def __init__(self):
        self.entered, self.release = threading.Event(), threading.Event()

    def __call__(self, request):
        if request.path == "/slow/":
            self.entered.set()
            self.release.wait(10)
        return HttpResponse("ok")


@pytest.fixture
def busy():
    """The middleware with one request held in flight, released afterwards."""
    site = _SlowSite()
    middleware = AdmissionMiddleware(site)
    holder = threading.Thread(target=middleware, args=(RequestFactory().get("/slow/"),))
    with override_settings(WEB_MAX_INFLIGHT=1):
        holder.start()
        assert site.entered.wait(10)
        yield middleware
        site.release.set()
        holder.join(10)


def test_an_api_call_over_the_limit_gets_503_with_retry_after_in_the_error_shape(busy):
    response = busy(RequestFactory().get("/api/v1/books/"))

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert json.loads(response.content)["error"]["code"] == "service_unavailable"


def test_a_page_over_the_limit_gets_the_friendly_page_in_the_visitors_language(busy):
    response = busy(RequestFactory().get("/books/", HTTP_ACCEPT_LANGUAGE="es"))

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "Volvemos enseguida" in response.content.decode()


def test_health_probes_are_never_refused(busy):
    assert busy(RequestFactory().get("/healthz")).status_code == 200
    assert busy(RequestFactory().get("/readyz")).status_code == 200


def test_a_request_is_let_in_again_once_the_one_in_flight_finishes():
    site = _SlowSite()
    middleware = AdmissionMiddleware(site)
    with override_settings(WEB_MAX_INFLIGHT=1):
        site.release.set()
        assert middleware(RequestFactory().get("/slow/")).status_code == 200
        assert middleware(RequestFactory().get("/books/")).status_code == 200
        assert middleware.in_flight.count == 0


@override_settings(WEB_MAX_INFLIGHT=0)
def test_a_limit_of_zero_turns_admission_off(busy):
    assert busy(RequestFactory().get("/books/")).status_code == 200
