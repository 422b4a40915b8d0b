/**
 * {@code ./ivbot bench --scenario http}: the load generator and the measurement that every example
 * server (the servlet one, the Spring Boot one) is driven by, so that their figures compare.
 * Part of an ivbot application (not a library API).
 */
@NullMarked
package dev.ivbot.benchmarks.http;

import org.jspecify.annotations.NullMarked;
