/** Sessions and review queues in Redis (standalone, Sentinel, Cluster) through Lettuce. */
module dev.ivbot.redis {
    requires transitive dev.ivbot.core;
    requires transitive lettuce.core;
    requires com.github.benmanes.caffeine;
    requires org.slf4j;

    exports dev.ivbot.redis;
}
