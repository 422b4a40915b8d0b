/** Part of an ivbot application (not a library API). */
@NullMarked
package dev.ivbot.cli.datasets;

import org.jspecify.annotations.NullMarked;
