/** Implementation details of ivbot-rules; not API. */
@NullMarked
package dev.ivbot.rules.internal;

import org.jspecify.annotations.NullMarked;
