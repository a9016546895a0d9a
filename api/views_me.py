"""My profile and quota, badges, missions and the leaderboards."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.privacy import consents_update
from api.schema import error_responses
from api.serializers import (
    BadgeSerializer,
    LeaderboardQuerySerializer,
    LeaderboardSerializer,
    MeSerializer,
    MeUpdateSerializer,
    MissionSerializer,
)
from books.quotas import quota_usage
from gamification.badges import badges_progress
from gamification.missions import missions_status
from gamification.rules import level_progress
from gamification.selectors import leaderboard, player_or_blank, streak_now


class Me(APIView):
    @extend_schema(summary="Me: profile, quota, level", responses={200: MeSerializer, **error_responses()})
    def get(self, request):
        user = request.user
        player = player_or_blank(user=user)
        usage = quota_usage(user=user)
        me = {
            "id": user.pk,
            "email": user.email,
            "display_name": user.display_name,
            "language": user.language,
            "paper_size": user.paper_size,
            "age_range": user.age_range,
            "default_style": getattr(user.default_style, "slug", None),
            "marketing_consent": user.marketing_consent,
            "analytics_consent": user.analytics_consent,
            "quota": {**vars(usage), "requests_left": usage.requests_left},
            "level": level_progress(player.xp),
            "streak": streak_now(player),
        }
        return Response(MeSerializer(me).data)

    @extend_schema(
        summary="Change my consents (marketing emails, analytics)",
        request=MeUpdateSerializer,
        responses={200: MeSerializer, **error_responses(400)},
    )
    def patch(self, request):
        changes = MeUpdateSerializer(data=request.data)
        changes.is_valid(raise_exception=True)
        consents_update(
            user=request.user,
            marketing=changes.validated_data.get("marketing_consent"),
            analytics=changes.validated_data.get("analytics_consent"),
        )
        return self.get(request)


class MyBadges(generics.ListAPIView):
    serializer_class = BadgeSerializer

    @extend_schema(
        summary="Every badge, earned or not, with my progress towards it",
        responses={200: BadgeSerializer(many=True), **error_responses()},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return badges_progress(player=player_or_blank(user=self.request.user))


class MyMissions(generics.ListAPIView):
    serializer_class = MissionSerializer

    @extend_schema(
        summary="Today's and this week's missions, with my progress",
        responses={200: MissionSerializer(many=True), **error_responses()},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return missions_status(player=player_or_blank(user=self.request.user), now=timezone.now())


class Leaderboard(APIView):
    @extend_schema(
        summary="The top players, everyone's or my friends', this week or all time",
        parameters=[LeaderboardQuerySerializer],
        responses={200: LeaderboardSerializer, **error_responses(400)},
    )
    def get(self, request):
        query = LeaderboardQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        board = leaderboard(
            user=request.user, board=query.validated_data["scope"], period=query.validated_data["period"]
        )
        return Response(LeaderboardSerializer(board).data)
