"""Prometheus metrics, one registry per app so several apps can live in one test process."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class ServiceMetrics:
    def __init__(self, service: str) -> None:
        self.registry = CollectorRegistry()
        labels = {"service": service}
        self.requests = Counter(
            "guanjia_http_requests",
            "HTTP requests answered, by route template and status",
            ["route", "method", "status"],
            registry=self.registry,
        ).labels  # called with route, method, status
        self.latency = Histogram(
            "guanjia_http_request_duration_seconds",
            "HTTP request latency, by route template",
            ["route", "method"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        ).labels
        self.outbox_backlog = Gauge(
            "guanjia_outbox_backlog",
            "Outbox events recorded and not yet acknowledged by JetStream",
            list(labels),
            registry=self.registry,
        ).labels(**labels)
        self.events_published = Counter(
            "guanjia_events_published",
            "Events the outbox relay has published",
            list(labels),
            registry=self.registry,
        ).labels(**labels)
        self.consumer_redeliveries = Counter(
            "guanjia_consumer_redeliveries",
            "Events received again after an earlier delivery was not acknowledged",
            ["consumer"],
            registry=self.registry,
        ).labels
        self.dead_letters = Counter(
            "guanjia_consumer_dead_letters",
            "Events set aside as poison after failing for good",
            ["consumer"],
            registry=self.registry,
        ).labels
