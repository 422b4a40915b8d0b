package dev.ivbot.examples.server;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** {@code GET /metrics}: the registry in the Prometheus text format (see {@code docs/metrics.md}). */
final class MetricsServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private final transient PrometheusMeterRegistry registry;
    private final transient Runnable beforeScrape;

    MetricsServlet(PrometheusMeterRegistry registry, Runnable beforeScrape) {
        this.registry = registry;
        this.beforeScrape = beforeScrape;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        beforeScrape.run(); // a model swapped in since the last turn shows at once
        response.setHeader("Cache-Control", "no-store");
        Http.text(response, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
    }
}
