/**
 * Extension points of ivbot: session stores, intent classifiers, the fallback and turn listeners.
 * Implementations are passed explicitly to {@link dev.ivbot.DialogEngine#builder()}; nothing is
 * discovered from the classpath.
 */
@NullMarked
package dev.ivbot.spi;

import org.jspecify.annotations.NullMarked;
