/** Implementation details of {@code dev.ivbot.security}; not API, free to change. */
@NullMarked
package dev.ivbot.security.internal;

import org.jspecify.annotations.NullMarked;
