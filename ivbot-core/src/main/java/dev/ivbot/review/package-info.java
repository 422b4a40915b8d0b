/**
 * The operator's loop: {@link dev.ivbot.review.ReviewRecorder} fills a {@link dev.ivbot.spi.ReviewQueue}
 * with the turns worth a look, {@link dev.ivbot.review.ReviewService} groups them into clusters with a
 * suggestion each and writes an accepted suggestion into the knowledge base's YAML.
 */
@NullMarked
package dev.ivbot.review;

import org.jspecify.annotations.NullMarked;
