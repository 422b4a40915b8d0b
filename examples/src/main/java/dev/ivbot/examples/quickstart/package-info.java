/** A plain-Java quick start: {@link dev.ivbot.examples.quickstart.QuickStart}. */
@NullMarked
package dev.ivbot.examples.quickstart;

import org.jspecify.annotations.NullMarked;
