from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.forms import PreferencesForm
from books.models import Book, Style
from books.quotas import quota_usage


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "landing.html", {"styles": Style.objects.filter(is_active=True)})
    books = Book.objects.visible_to(request.user).select_related("style")
    context = {
        "in_progress": books.in_progress()[:6],
        "recent": books.exclude(status__in=[Book.Status.QUEUED, Book.Status.GENERATING])[:6],
        "usage": quota_usage(user=request.user),
    }
    return render(request, "home.html", context)


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your preferences were saved."))
        return redirect("accounts:preferences")
    return render(
        request, "accounts/preferences.html", {"form": form, "usage": quota_usage(user=request.user)}
    )
