/** The Flink analytics example over the turn stream (docs/kafka.md). */
@NullMarked
package dev.ivbot.examples.flink;

import org.jspecify.annotations.NullMarked;
