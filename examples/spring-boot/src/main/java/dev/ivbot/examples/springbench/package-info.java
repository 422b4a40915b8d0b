/**
 * {@code ./ivbot bench --scenario http --server spring}: the Spring Boot example app under the HTTP
 * benchmark. Outside the app's package, so that the app's component scan never finds the benchmark's
 * endpoint. Part of an ivbot application (not a library API).
 */
@NullMarked
package dev.ivbot.examples.springbench;

import org.jspecify.annotations.NullMarked;
