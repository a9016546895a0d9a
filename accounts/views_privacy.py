"""The privacy part of the profile: consents, "download my data" and "delete my account"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from accounts.forms import AccountDeleteForm, ConsentForm
from accounts.models import DataExport
from accounts.privacy import (
    DataExportBusy,
    account_delete,
    consents_update,
    data_export_latest,
    data_export_request,
)
from accounts.views import _render_profile
from exports.storage import presigned_url

PRIVACY = "privacy"


def _profile_privacy() -> str:
    return reverse("accounts:profile") + f"#{PRIVACY}"


@login_required
@require_POST
def consents(request: HttpRequest) -> HttpResponse:
    form = ConsentForm(request.POST, instance=request.user)
    if not form.is_valid():
        return _render_profile(request, consent_form=form, status=400)
    consents_update(
        user=request.user,
        marketing=form.cleaned_data["marketing_consent"],
        analytics=form.cleaned_data["analytics_consent"],
    )
    messages.success(request, _("Your privacy choices were saved."))
    return redirect(_profile_privacy())


def _render_data_export(request: HttpRequest, *, status: int = 200, **extra) -> HttpResponse:
    """The "download my data" fragment for HTMX, else the whole profile page."""
    if request.htmx:
        # htmx swaps only 2xx answers; a refusal must still replace the fragment to be seen.
        context = {"data_export": data_export_latest(user=request.user), **extra}
        return render(request, "accounts/_data_export.html", context, status=200 if status >= 400 else status)
    return _render_profile(request, status=status, **extra)


@login_required
@require_POST
def data_export_start(request: HttpRequest) -> HttpResponse:
    try:
        data_export_request(user=request.user)
    except DataExportBusy as exc:
        return _render_data_export(request, status=exc.status_code, data_export_error=exc.message)
    if request.htmx:
        return _render_data_export(request, status=202)
    messages.info(
        request, _("We are preparing your data. The download link appears on this page when it is ready.")
    )
    return redirect(_profile_privacy())


@login_required
@require_GET
def data_export_status(request: HttpRequest) -> HttpResponse:
    if not request.htmx:
        return redirect(_profile_privacy())
    response = _render_data_export(request)
    add_never_cache_headers(response)
    return response


@login_required
@require_GET
def data_export_download(request: HttpRequest, export_id) -> HttpResponse:
    export = DataExport.objects.filter(id=export_id, user=request.user).first()
    if export is None or not export.is_downloadable:
        raise Http404  # someone else's, expired, or not made yet
    filename = f"fabrica-my-data-{timezone.localdate(export.finished_at):%Y-%m-%d}.zip"
    url = presigned_url(export.file.name, filename=filename, content_type="application/zip")
    response = (
        HttpResponseRedirect(url)
        if url
        else FileResponse(
            export.file.open("rb"), as_attachment=True, filename=filename, content_type="application/zip"
        )
    )
    add_never_cache_headers(response)
    return response


@login_required
@require_http_methods(["GET", "POST"])
@ratelimit(key="user", rate="10/h", method="POST")  # guessing the password is not a way in
def delete_account(request: HttpRequest) -> HttpResponse:
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        account_delete(user=request.user, request=request)
        # Not logout(): its signal would write a sign-out to the audit log under the deleted email.
        request.session.flush()
        request.user = AnonymousUser()
        messages.success(request, _("Your account and everything in it were deleted. Goodbye!"))
        return redirect("home")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/privacy_delete.html", {"form": form}, status=status)
