/**
 * Micrometer binding of a {@link dev.ivbot.DialogEngine}'s metrics: {@link dev.ivbot.micrometer.DialogEngineMetrics}.
 * Metric names, types, tags and suggested alerts are listed in {@code docs/metrics.md}.
 */
@NullMarked
package dev.ivbot.micrometer;

import org.jspecify.annotations.NullMarked;
