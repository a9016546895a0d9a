"""The webhooks page under the profile: add, remove, turn back on, send a test, see deliveries."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from webhooks.errors import WebhookInvalid
from webhooks.forms import WebhookForm
from webhooks.models import Webhook
from webhooks.services import (
    deliveries_for,
    webhook_create,
    webhook_delete,
    webhook_enable,
    webhook_test,
    webhooks_for,
)

RECENT_DELIVERIES = 10


def _webhook_for(request: HttpRequest, webhook_id: int) -> Webhook:
    """The user's webhook; a 404 for anyone else's."""
    return get_object_or_404(Webhook, id=webhook_id, owner=request.user)


def _render_list(request: HttpRequest, *, form: WebhookForm | None = None, status: int = 200) -> HttpResponse:
    webhooks = list(webhooks_for(request.user))
    for webhook in webhooks:
        webhook.recent_deliveries = list(deliveries_for(webhook)[:RECENT_DELIVERIES])
    context = {
        "webhooks": webhooks,
        "disabled": [webhook for webhook in webhooks if not webhook.is_active],
        "form": form or WebhookForm(),
    }
    response = render(request, "webhooks/list.html", context, status=status)
    add_never_cache_headers(response)  # the page shows signing secrets
    return response


@login_required
def webhook_list(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _render_list(request)
    form = WebhookForm(request.POST)
    if not form.is_valid():
        return _render_list(request, form=form, status=400)
    try:
        webhook_create(owner=request.user, url=form.cleaned_data["url"], events=form.cleaned_data["events"])
    except WebhookInvalid as exc:
        field = next((name for name in ("url", "events") if name in exc.details), None)
        form.add_error(field, exc.message)
        return _render_list(request, form=form, status=400)
    messages.success(request, _("Webhook added. Use its signing secret, below, to check each request."))
    return redirect("webhooks:list")


@login_required
@require_POST
def webhook_remove(request: HttpRequest, webhook_id: int) -> HttpResponse:
    webhook = _webhook_for(request, webhook_id)
    webhook_delete(webhook=webhook)
    messages.success(request, _("The webhook to %(url)s was deleted.") % {"url": webhook.url})
    return redirect("webhooks:list")


@login_required
@require_POST
def webhook_turn_on(request: HttpRequest, webhook_id: int) -> HttpResponse:
    webhook = _webhook_for(request, webhook_id)
    try:
        webhook_enable(webhook=webhook)
    except WebhookInvalid as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The webhook is on again."))
    return redirect("webhooks:list")


@login_required
@require_POST
def webhook_send_test(request: HttpRequest, webhook_id: int) -> HttpResponse:
    webhook = _webhook_for(request, webhook_id)
    try:
        webhook_test(webhook=webhook)
    except WebhookInvalid as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("A test event is on its way. Reload the page in a moment to see the result.")
        )
    return redirect("webhooks:list")
