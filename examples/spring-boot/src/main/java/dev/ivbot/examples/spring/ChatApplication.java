package dev.ivbot.examples.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The Spring Boot chat app: {@code ivbot-spring-boot-starter} builds the engine and serves {@code /api/chat};
 * this app adds only what a portal owns, the security ({@link SecurityConfiguration}) and, for a demo, a
 * login ({@link DevLogin}). Run it from {@code target/classes} and {@code target/classpath.txt} (written by
 * {@code mvn package}); see {@code docs/spring-boot.md}.
 */
@SpringBootApplication
public class ChatApplication {
    public static void main(String[] args) {
        SpringApplication.run(ChatApplication.class, args);
    }
}
