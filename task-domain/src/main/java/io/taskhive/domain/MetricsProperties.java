package io.taskhive.domain;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Metrics that come from a query rather than from the code path they describe ({@code taskhive.metrics.*}):
 * the gateway's outbox backlog and live workers (PostgreSQL), the worker's queue depths (the broker).
 *
 * @param refreshInterval how often those gauges are read again: each refresh is one small query
 *                        per replica, so a short interval costs the database little, but nothing
 *                        is gained below Prometheus's scrape interval
 */
@ConfigurationProperties("taskhive.metrics")
public record MetricsProperties(@DefaultValue("15s") Duration refreshInterval) {

    public MetricsProperties {
        if (refreshInterval.isNegative() || refreshInterval.isZero()) {
            throw new IllegalArgumentException("taskhive.metrics.refresh-interval must be positive");
        }
    }
}
