/** Implementation details of ivbot-core; not API, free to change in any release. */
@NullMarked
package dev.ivbot.internal;

import org.jspecify.annotations.NullMarked;
