"""Rate limits for the API: one bucket per user, whether the call came with a token or a session.

DRF's throttles (not django-ratelimit) because they already answer 429 with ``Retry-After`` set
to the seconds until the next call is allowed, through the API's exception handler.
"""

from rest_framework.throttling import UserRateThrottle


class UserThrottle(UserRateThrottle):
    scope = "user"
