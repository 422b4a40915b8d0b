/** Publishes every answered turn to Kafka, off the reply's path, without losing an acknowledged one. */
module dev.ivbot.kafka {
    requires transitive dev.ivbot.core;
    requires com.fasterxml.jackson.databind;
    requires java.management;
    requires kafka.clients;
    requires org.slf4j;

    exports dev.ivbot.kafka;
    // Jackson reads and writes the published record
    opens dev.ivbot.kafka to com.fasterxml.jackson.databind;
}
