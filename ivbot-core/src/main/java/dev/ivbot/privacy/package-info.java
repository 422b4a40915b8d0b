/**
 * Personal data removed from question texts before anything stores or publishes them (the review
 * queue, the turn event stream).
 */
@NullMarked
package dev.ivbot.privacy;

import org.jspecify.annotations.NullMarked;
