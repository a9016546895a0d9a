"""The admin's door: staff sign in through allauth (with the second factor), and what they do
there is written to the audit log.

``fabrica.admin_site`` calls these around every admin view.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import audit_record

logger = logging.getLogger(__name__)

SECOND_FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
LOG_ACTIONS = {ADDITION: Action.ADMIN_ADD, CHANGE: Action.ADMIN_CHANGE, DELETION: Action.ADMIN_DELETE}


def staff_mfa_required(user) -> bool:
    return settings.STAFF_REQUIRE_MFA and user.is_active and user.is_staff


def staff_mfa_redirect(request: HttpRequest) -> HttpResponse | None:
    """Where a staff member must go before the admin opens, or None when they may go in.

    Having an authenticator is not enough: this session must have been confirmed with it
    (allauth's login asks for the code; a session from before the authenticator was added
    confirms it once).
    """
    user = request.user
    if not user.is_authenticated or not staff_mfa_required(user):
        return None
    if not is_mfa_enabled(user, SECOND_FACTORS):
        messages.warning(
            request, _("Staff need a second factor: set up an authenticator app to open the admin.")
        )
        return HttpResponseRedirect(reverse("mfa_activate_totp"))
    if not _session_used_second_factor(request):
        query = urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(f"{reverse('mfa_reauthenticate')}?{query}")
    return None


def _session_used_second_factor(request: HttpRequest) -> bool:
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


def admin_log_mark(request: HttpRequest) -> int | None:
    """The newest admin log entry before a form is posted (None for reads, which change nothing)."""
    if request.method != "POST" or not request.user.is_authenticated:
        return None
    return LogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def admin_changes_record(request: HttpRequest, response: HttpResponse, *, since: int | None) -> None:
    """Copy the admin's own log entries made by this request into the audit log, with IP and browser,
    and record bulk actions (retry, cancel, give quota back...) that finished."""
    if since is None:
        return
    try:
        entries = LogEntry.objects.filter(id__gt=since, user_id=request.user.pk).select_related(
            "content_type"
        )
        for entry in entries.order_by("id"):
            _entry_record(request, entry)
        if request.POST.get("action") and response.status_code == 302:
            _bulk_action_record(request)
    except Exception:  # the change is made and committed; a missing audit row must not turn it into an error
        logger.exception("audit: could not record the admin change")


def _entry_record(request: HttpRequest, entry: LogEntry) -> None:
    target_type = entry.content_type.model_class()._meta.label_lower if entry.content_type else ""
    audit_record(
        LOG_ACTIONS.get(entry.action_flag, Action.ADMIN_CHANGE),
        request=request,
        target_type=target_type,
        target_id=entry.object_id or "",
        target_label=entry.object_repr,
        details={"message": entry.get_change_message()},
    )


def _bulk_action_record(request: HttpRequest) -> None:
    match = request.resolver_match
    model = match.url_name.removesuffix("_changelist") if match else ""
    selected = request.POST.getlist("_selected_action")
    audit_record(
        Action.ADMIN_ACTION,
        request=request,
        target_label=f"{model}: {len(selected)}",
        details={"action": request.POST["action"], "model": model, "ids": selected[:100]},
    )
