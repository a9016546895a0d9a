import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fabrica.settings")

from fabrica.tracing import tracing_configure  # noqa: E402

# Before the application loads its middleware: the Django instrumentation adds its own.
tracing_configure(service="fabrica-web")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.urls import re_path  # noqa: E402

from books.routing import websocket_urlpatterns  # noqa: E402
from fabrica.body_limit import body_size_limit  # noqa: E402
from fabrica.consumers import UnknownAddressConsumer  # noqa: E402
from gamification.routing import websocket_urlpatterns as gamification_websockets  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": body_size_limit(django_asgi_app),
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(
                URLRouter(
                    websocket_urlpatterns
                    + gamification_websockets
                    + [re_path(r"", UnknownAddressConsumer.as_asgi())]  # last: anything else
                )
            )
        ),
    }
)
