/** Part of an ivbot application (not a library API). */
@NullMarked
package dev.ivbot.cli;

import org.jspecify.annotations.NullMarked;
