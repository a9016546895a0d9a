"""Rate limits for the API: buckets per user, whether the call came with a token or a session.

DRF's throttles (not django-ratelimit) because they already answer 429 with ``Retry-After`` set
to the seconds until the next call is allowed, through the API's exception handler. Counts live
in the shared cache, so every web process sees them.

DRF's own ``SimpleRateThrottle`` reads a history list, decides, then writes it back: parallel
requests all read the same history and all pass (150 at once got through a 120/min limit).
Here each window is one counter that the cache increments atomically (``add`` then ``incr``,
one ``INCR`` in Redis), so exactly ``num_requests`` calls in a window get through however many
arrive together. A fixed window lets a client make up to twice the rate across a boundary,
which is fine for a limit that stops runaway scripts.
"""

import time

from rest_framework.throttling import UserRateThrottle


class AtomicUserRateThrottle(UserRateThrottle):
    """A fixed-window counter per user (or per address for anonymous callers) and scope."""

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        window_start = int(self.now // self.duration) * self.duration
        self.window_ends_at = window_start + self.duration
        counter = f"{self.key}:{window_start}"
        # A second's grace so the counter cannot expire just before its window closes.
        self.cache.add(counter, 0, timeout=self.duration + 1)
        try:
            count = self.cache.incr(counter)
        except ValueError:  # expired between add and incr: this call opens the count again
            self.cache.add(counter, 1, timeout=self.duration + 1)
            count = 1
        return count <= self.num_requests

    def wait(self) -> float:
        return max(1.0, self.window_ends_at - self.now)

    def timer(self) -> float:
        return time.time()


class UserThrottle(AtomicUserRateThrottle):
    """Every call (``API_RATE_LIMIT``)."""

    scope = "user"


class BookCreateThrottle(AtomicUserRateThrottle):
    """Making books, on top of the daily quota: a script in a loop is stopped in seconds, not at 50 books."""

    scope = "book_create"
