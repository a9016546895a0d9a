from django import template

from webhooks.models import Webhook

register = template.Library()


@register.simple_tag(takes_context=True)
def webhooks_turned_off(context) -> int:
    """How many of the signed-in user's webhooks were turned off (for a notice on the profile)."""
    user = context["request"].user
    return Webhook.objects.filter(owner=user, is_active=False).count() if user.is_authenticated else 0
