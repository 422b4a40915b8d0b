/**
 * Spring Boot auto-configuration for ivbot. Spring Boot applications run on the class path, where
 * this descriptor is ignored; on the module path it exports only {@code dev.ivbot.spring} and opens
 * the configuration classes to Spring's reflection. Each optional part (model, Redis sessions,
 * Micrometer, Actuator, the web layer, Spring Security) is {@code requires static}: it switches
 * on when the application has it.
 */
module dev.ivbot.spring {
    requires transitive dev.ivbot.core;
    requires dev.ivbot.rules;
    requires static dev.ivbot.onnx;
    requires static dev.ivbot.redis;
    requires static dev.ivbot.micrometer;
    requires static org.jspecify;
    requires org.slf4j;
    requires spring.beans;
    requires spring.context;
    requires spring.core;
    requires spring.boot;
    requires spring.boot.autoconfigure;
    requires static spring.boot.actuator;
    requires static spring.boot.actuator.autoconfigure;
    requires static spring.data.redis;
    // Spring Boot 4's Redis and health modules, for the Boot 4 configurations
    requires static spring.boot.data.redis;
    requires static spring.boot.health;
    requires static spring.web;
    requires static spring.webmvc;
    requires static spring.security.core;
    requires static spring.security.oauth2.core;
    requires static lettuce.core;
    requires static micrometer.core;

    exports dev.ivbot.spring;
    // configuration classes, properties binding and the controller are instantiated by Spring
    opens dev.ivbot.spring to spring.core, spring.beans, spring.context, spring.boot;
    opens dev.ivbot.spring.internal to spring.core, spring.beans, spring.context, spring.boot, spring.web;
}
