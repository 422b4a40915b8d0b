/** Part of an ivbot application (not a library API). */
@NullMarked
package dev.ivbot.examples.bench;

import org.jspecify.annotations.NullMarked;
