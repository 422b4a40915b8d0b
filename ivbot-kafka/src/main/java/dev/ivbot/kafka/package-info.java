/**
 * Turn events to Kafka: {@link dev.ivbot.kafka.KafkaTurnPublisher} sends one
 * {@link dev.ivbot.kafka.TurnRecord} per turn, keyed by session id, without ever delaying a reply.
 * See {@code docs/kafka.md} for the schema, the settings and what is lost when.
 */
@NullMarked
package dev.ivbot.kafka;

import org.jspecify.annotations.NullMarked;
