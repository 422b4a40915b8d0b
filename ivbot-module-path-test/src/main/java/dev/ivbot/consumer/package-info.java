/** Part of an ivbot application (not a library API). */
@NullMarked
package dev.ivbot.consumer;

import org.jspecify.annotations.NullMarked;
