/**
 * The dialog engine, its SPIs, the knowledge base, sessions in memory, JWT and review.
 * Exports API and SPI packages only; {@code internal} packages are closed, except the two pieces the
 * sibling ivbot modules share (text normalisation and closing intents; threads and folder watching), exported to them alone.
 */
module dev.ivbot.core {
    requires transitive org.jspecify;
    requires com.auth0.jwt;
    requires com.fasterxml.jackson.core;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.yaml;
    requires com.github.benmanes.caffeine;
    requires org.slf4j;
    requires org.yaml.snakeyaml;

    exports dev.ivbot;
    exports dev.ivbot.kb;
    exports dev.ivbot.kb.lint;
    exports dev.ivbot.privacy;
    exports dev.ivbot.review;
    exports dev.ivbot.security;
    exports dev.ivbot.spi;

    exports dev.ivbot.internal.text to dev.ivbot.rules, dev.ivbot.onnx;
    exports dev.ivbot.internal.runtime to dev.ivbot.onnx, dev.ivbot.redis, dev.ivbot.kafka;
}
