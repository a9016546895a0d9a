"""Webhooks: register, list, remove, and read each one's delivery log. 404 for anyone else's."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from api.schema import error_responses
from webhooks.addresses import URL_MAX_LENGTH
from webhooks.models import Event, Webhook, WebhookDelivery
from webhooks.services import deliveries_for, webhook_create, webhook_delete, webhooks_for

MAX_ID = 2**63 - 1  # larger numbers do not fit the database's integers


class WebhookCreateSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=URL_MAX_LENGTH, help_text="A public `https://` URL.")
    events = serializers.ListField(
        child=serializers.ChoiceField(Event.choices), max_length=len(Event.choices)
    )


class WebhookSerializer(serializers.ModelSerializer):
    events = serializers.ListField(child=serializers.ChoiceField(Event.choices))
    secret = serializers.CharField(
        source="secret_if_readable",
        allow_null=True,
        help_text=(
            "Signs every delivery (`X-Fabrica-Signature`); keep it secret. `null` when it can no longer "
            "be read (the site's secret key changed): delete the webhook and add it again."
        ),
    )
    deliveries_url = serializers.SerializerMethodField()

    class Meta:
        model = Webhook
        fields = [
            "id", "url", "events", "secret", "is_active", "disabled_reason", "disabled_at",
            "consecutive_failures", "last_success_at", "created_at", "deliveries_url",
        ]  # fmt: skip

    @extend_schema_field(serializers.URLField())
    def get_deliveries_url(self, webhook: Webhook) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("api:webhook-deliveries", args=[webhook.id])
        )


class WebhookDeliverySerializer(serializers.ModelSerializer):
    payload = serializers.JSONField(help_text="The JSON body that was sent.")

    class Meta:
        model = WebhookDelivery
        fields = [
            "id", "event_id", "event_type", "attempt", "outcome", "status_code", "duration_ms",
            "response_excerpt", "error", "next_retry_at", "delivered_at", "created_at", "payload",
        ]  # fmt: skip


def webhook_for(request, webhook_id: int) -> Webhook:
    """The user's webhook; a 404 for anyone else's."""
    if webhook_id > MAX_ID:
        raise Http404
    return get_object_or_404(webhooks_for(request.user), id=webhook_id)


class WebhookList(generics.ListAPIView):
    serializer_class = WebhookSerializer

    @extend_schema(summary="My webhooks", responses={200: WebhookSerializer(many=True), **error_responses()})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return webhooks_for(self.request.user)

    @extend_schema(
        summary="Register a webhook",
        description=(
            "Events are POSTed to `url` as JSON, signed with the `secret` in the answer (see the "
            "Webhooks section of the API guide). The URL must be public HTTPS: addresses that resolve "
            "to private, loopback or link-local networks are refused."
        ),
        request=WebhookCreateSerializer,
        responses={201: WebhookSerializer, **error_responses(400)},
    )
    def post(self, request):
        data = WebhookCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        webhook = webhook_create(owner=request.user, **data.validated_data)
        location = request.build_absolute_uri(reverse("api:webhook-detail", args=[webhook.id]))
        body = WebhookSerializer(webhook, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED, headers={"Location": location})


class WebhookDetail(APIView):
    @extend_schema(summary="A webhook", responses={200: WebhookSerializer, **error_responses(404)})
    def get(self, request, webhook_id):
        return Response(
            WebhookSerializer(webhook_for(request, webhook_id), context={"request": request}).data
        )

    @extend_schema(
        summary="Delete a webhook and its delivery log",
        responses={204: None, **error_responses(404)},
    )
    def delete(self, request, webhook_id):
        webhook_delete(webhook=webhook_for(request, webhook_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookDeliveries(generics.ListAPIView):
    serializer_class = WebhookDeliverySerializer

    @extend_schema(
        summary="A webhook's delivery attempts, newest first",
        description="Every attempt is listed; the retries of one event share its `event_id`.",
        responses={200: WebhookDeliverySerializer(many=True), **error_responses(404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return deliveries_for(webhook_for(self.request, self.kwargs["webhook_id"]))
