"""Per-provider latency and error figures, computed from the AI call records."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from ai.models import AICall

MAX_CALLS = 20_000  # newest calls considered; enough for stable percentiles, bounded memory


@dataclass(frozen=True)
class ProviderStats:
    provider: str
    capability: str
    calls: int
    errors: int
    rate_limited: int
    p50_ms: int
    p95_ms: int
    cost_usd: Decimal

    @property
    def error_rate(self) -> float:
        return self.errors / self.calls if self.calls else 0.0


def provider_stats(*, since: datetime) -> list[ProviderStats]:
    rows = (
        AICall.objects.filter(created_at__gte=since)
        .order_by("-created_at")
        .values_list("provider", "capability", "latency_ms", "outcome", "cost_usd")[:MAX_CALLS]
    )
    groups: dict[tuple[str, str], list[tuple[int, str, Decimal]]] = defaultdict(list)
    for provider, capability, latency, outcome, cost in rows:
        groups[(provider, capability)].append((latency, outcome, cost))
    return [
        _summarise(provider, capability, calls) for (provider, capability), calls in sorted(groups.items())
    ]


def percentile(values: list[int], share: float) -> int:
    """Nearest-rank percentile of ``values`` (0 for none)."""
    if not values:
        return 0
    ordered = sorted(values)
    rank = max(1, round(share * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def _summarise(provider: str, capability: str, calls: list[tuple[int, str, Decimal]]) -> ProviderStats:
    latencies = [latency for latency, _, _ in calls]
    return ProviderStats(
        provider=provider,
        capability=capability,
        calls=len(calls),
        errors=sum(1 for _, outcome, _ in calls if outcome != AICall.Outcome.OK),
        rate_limited=sum(1 for _, outcome, _ in calls if outcome == AICall.Outcome.RATE_LIMITED),
        p50_ms=percentile(latencies, 0.50),
        p95_ms=percentile(latencies, 0.95),
        cost_usd=sum((cost for _, _, cost in calls), Decimal(0)),
    )
