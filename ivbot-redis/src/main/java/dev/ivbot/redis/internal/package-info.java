/** Internals of the Redis session store; not API, free to change. */
@NullMarked
package dev.ivbot.redis.internal;

import org.jspecify.annotations.NullMarked;
