"""My progress, the leaderboards and friends: parse, call a service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fabrica.errors import ApplicationError
from gamification import friends as friend_services
from gamification.forms import FriendRequestForm, PlayerSettingsForm
from gamification.models import Follow
from gamification.selectors import dashboard, leaderboard, player_or_blank, public_name
from gamification.services import player_settings_update


@login_required
@require_GET
def progress(request: HttpRequest) -> HttpResponse:
    return _render_progress(request)


def _render_progress(request: HttpRequest, *, form: PlayerSettingsForm | None = None, status: int = 200):
    player = player_or_blank(user=request.user)
    initial = {"time_zone": player.time_zone, "on_leaderboards": player.on_leaderboards}
    context = {**dashboard(user=request.user), "settings_form": form or PlayerSettingsForm(initial=initial)}
    return render(request, "gamification/progress.html", context, status=status)


@login_required
@require_POST
def progress_settings(request: HttpRequest) -> HttpResponse:
    form = PlayerSettingsForm(request.POST)
    if not form.is_valid():
        return _render_progress(request, form=form, status=400)
    player_settings_update(user=request.user, **form.cleaned_data)
    messages.success(request, _("Your game settings were saved."))
    return redirect("gamification:progress")


@login_required
@require_GET
def leaderboards(request: HttpRequest) -> HttpResponse:
    context = leaderboard(
        user=request.user, board=request.GET.get("board", "global"), period=request.GET.get("period", "all")
    )
    context["board_choices"] = [("global", _("Everyone")), ("friends", _("Friends"))]
    context["period_choices"] = [("week", _("This week")), ("all", _("All time"))]
    template = "gamification/leaderboards.html"
    return render(request, f"{template}#board" if request.htmx else template, context)


@login_required
@require_GET
def friends(request: HttpRequest) -> HttpResponse:
    return _render_friends(request)


def _render_friends(request: HttpRequest, *, form: FriendRequestForm | None = None, status: int = 200):
    user = request.user
    accepted = (
        Follow.objects.filter(status=Follow.Status.ACCEPTED)
        .filter(Q(from_user=user) | Q(to_user=user))
        .select_related("from_user__player", "to_user__player")
    )
    context = {
        "form": form or FriendRequestForm(),
        "received": [
            (follow, public_name(follow.from_user))
            for follow in Follow.objects.filter(to_user=user, status=Follow.Status.PENDING).select_related(
                "from_user"
            )
        ],
        "sent": Follow.objects.filter(from_user=user, status=Follow.Status.PENDING),
        "friends": [_friend(follow, user) for follow in accepted],
    }
    return render(request, "gamification/friends.html", context, status=status)


def _friend(follow: Follow, user) -> dict:
    other = follow.to_user if follow.from_user_id == user.pk else follow.from_user
    player = getattr(other, "player", None)
    return {"follow": follow, "name": public_name(other), "level": player.level if player else 1}


@login_required
@require_POST
def friend_request(request: HttpRequest) -> HttpResponse:
    form = FriendRequestForm(request.POST)
    if not form.is_valid():
        return _render_friends(request, form=form, status=400)
    try:
        follow = friend_services.follow_request(
            user=request.user, name_or_email=form.cleaned_data["name_or_email"]
        )
    except ApplicationError as exc:
        form.add_error("name_or_email", exc.message)
        return _render_friends(request, form=form, status=400)
    if follow.status == Follow.Status.ACCEPTED:
        messages.success(request, _("You are now friends: they had already asked you."))
    else:
        # The same words whether or not anybody matched: asking must not reveal who has an account.
        messages.info(
            request, _("Request sent. If someone uses exactly that name or email, they will see it.")
        )
    return redirect("gamification:friends")


def _friend_action(request: HttpRequest, service, follow_id: int, done: str) -> HttpResponse:
    try:
        service(user=request.user, follow_id=follow_id)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("gamification:friends")


@login_required
@require_POST
def friend_accept(request: HttpRequest, follow_id: int) -> HttpResponse:
    return _friend_action(request, friend_services.follow_accept, follow_id, _("You are now friends."))


@login_required
@require_POST
def friend_decline(request: HttpRequest, follow_id: int) -> HttpResponse:
    return _friend_action(request, friend_services.follow_decline, follow_id, _("The request was declined."))


@login_required
@require_POST
def friend_remove(request: HttpRequest, follow_id: int) -> HttpResponse:
    return _friend_action(request, friend_services.follow_remove, follow_id, _("Removed from your friends."))
