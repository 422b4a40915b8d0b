/**
 * ivbot's API: build a {@link dev.ivbot.DialogEngine} and call {@link dev.ivbot.DialogEngine#chat}.
 * Extension points are in {@code dev.ivbot.spi}; {@code .internal} packages are not API.
 */
@NullMarked
package dev.ivbot;

import org.jspecify.annotations.NullMarked;
