/** Internals of the Kafka publisher; not API, free to change. */
@NullMarked
package dev.ivbot.kafka.internal;

import org.jspecify.annotations.NullMarked;
