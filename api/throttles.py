"""Rate limits for the API: buckets per user, whether the call came with a token or a session.

DRF's throttles (not django-ratelimit) because they already answer 429 with ``Retry-After`` set
to the seconds until the next call is allowed, through the API's exception handler. Counts live
in the shared cache, so every web process sees them.
"""

from rest_framework.throttling import UserRateThrottle


class UserThrottle(UserRateThrottle):
    """Every call (``API_RATE_LIMIT``)."""

    scope = "user"


class BookCreateThrottle(UserRateThrottle):
    """Making books, on top of the daily quota: a script in a loop is stopped in seconds, not at 50 books."""

    scope = "book_create"
