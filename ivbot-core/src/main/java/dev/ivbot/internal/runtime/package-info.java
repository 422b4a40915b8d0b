/**
 * Threads and folder watching shared by the ivbot modules; not API, exported only to the sibling ivbot modules, free
 * to change in any release.
 */
@NullMarked
package dev.ivbot.internal.runtime;

import org.jspecify.annotations.NullMarked;
