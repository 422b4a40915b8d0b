/** Part of an ivbot application (not a library API). */
@NullMarked
package dev.ivbot.benchmarks;

import org.jspecify.annotations.NullMarked;
