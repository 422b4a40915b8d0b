/**
 * A {@link dev.ivbot.spi.SessionStore} on Redis (standalone, Sentinel or Cluster) through Lettuce,
 * with a bounded failover buffer: {@link dev.ivbot.redis.RedisSessionStore}.
 */
@NullMarked
package dev.ivbot.redis;

import org.jspecify.annotations.NullMarked;
