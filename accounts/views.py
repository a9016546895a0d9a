from allauth.account.internal.flows.password_change import finalize_password_change
from allauth.account.views import PasswordChangeView
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.forms import ApiTokenForm, PasswordChangeForm, PreferencesForm
from accounts.models import ApiToken
from accounts.sessions import user_sign_out_everywhere
from accounts.tokens import api_token_create, api_token_revoke
from audit.services import AuditAction, audit_record
from books.models import Book, Style
from books.quotas import quota_usage
from gamification.selectors import home_summary


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "landing.html", {"styles": Style.objects.filter(is_active=True)})
    books = Book.objects.visible_to(request.user).select_related("style")
    context = {
        "in_progress": books.in_progress()[:6],
        "recent": books.exclude(status__in=[Book.Status.QUEUED, Book.Status.GENERATING])[:6],
        "usage": quota_usage(user=request.user),
        "gamification": home_summary(user=request.user),
    }
    return render(request, "home.html", context)


def _tokens_context(user, **extra) -> dict:
    return {"tokens": ApiToken.objects.filter(user=user), "token_form": ApiTokenForm(), **extra}


def _render_profile(request: HttpRequest, *, status: int = 200, **extra) -> HttpResponse:
    context = {
        "form": PreferencesForm(instance=request.user),
        "usage": quota_usage(user=request.user),
        **_tokens_context(request.user),
        **extra,
    }
    return render(request, "accounts/profile.html", context, status=status)


def _render_tokens(request: HttpRequest, *, status: int = 200, **extra) -> HttpResponse:
    """The tokens section alone for HTMX, else the whole profile page."""
    if request.htmx:
        # htmx swaps only 2xx answers; a form with errors must still replace the section.
        context = _tokens_context(request.user, **extra)
        return render(request, "accounts/_tokens.html", context, status=200 if status >= 400 else status)
    return _render_profile(request, status=status, **extra)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    return _render_profile(request)


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("accounts:profile")
    form = PreferencesForm(request.POST, instance=request.user)
    if not form.is_valid():
        return _render_profile(request, form=form, status=400)
    user = form.save()
    with translation.override(user.language):  # say it in the language just chosen
        messages.success(request, _("Your preferences were saved."))
    return redirect("accounts:profile")


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return _render_tokens(request, token_form=form, status=400)
    token, raw_key = api_token_create(user=request.user, name=form.cleaned_data["name"])
    audit_record(AuditAction.TOKEN_CREATED, request=request, target=token)
    # Rendered straight into this response, never stored: the only time the key is shown.
    response = _render_tokens(request, status=201, new_token=token, new_key=raw_key)
    add_never_cache_headers(response)
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, id=token_id, user=request.user)
    api_token_revoke(token=token)
    audit_record(AuditAction.TOKEN_REVOKED, request=request, target=token)
    if request.htmx:
        return _render_tokens(request)
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("accounts:profile")


class SignOutEverywherePasswordChangeView(PasswordChangeView):
    """allauth's password change, which also signs out everywhere else when the box stays ticked."""

    def get_form_class(self):
        return PasswordChangeForm  # allauth's would read ACCOUNT_FORMS

    def form_valid(self, form) -> HttpResponse:
        form.save()
        if form.cleaned_data["sign_out_everywhere"]:
            revoked = user_sign_out_everywhere(request=self.request, user=form.user)
            messages.info(self.request, _signed_out_message(revoked))
        finalize_password_change(self.request, form.user)  # keeps this session signed in
        return super(PasswordChangeView, self).form_valid(form)


def _signed_out_message(revoked: int) -> str:
    if not revoked:
        return _("You were signed out everywhere else.")
    return ngettext(
        "You were signed out everywhere else and %(count)s API token was revoked.",
        "You were signed out everywhere else and %(count)s API tokens were revoked.",
        revoked,
    ) % {"count": revoked}


password_change = SignOutEverywherePasswordChangeView.as_view()  # login_required: allauth's dispatch
