"""The feedback service's own metrics on its /metrics: ratings by outcome, the outbox's backlog, deliveries and the
ratings it set aside (refused by the store for good)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge


class FeedbackMetrics:
    """Registered once, with the app (install_common's registry), before the runtime that updates them exists."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.outcomes = Counter(
            "feedback_ratings_total", "Ratings received, by outcome.", ["outcome"], registry=registry
        )
        self.delivered = Counter(
            "feedback_outbox_delivered_total", "Ratings delivered from the outbox.", registry=registry
        )
        self.backlog = Gauge(
            "feedback_outbox_backlog", "Ratings waiting in the outbox for the store.", registry=registry
        )
        self.dead_letters = Gauge(
            "feedback_outbox_dead_letters",
            "Ratings the store refused for good, set aside in the outbox file's dead_letter table.",
            registry=registry,
        )
