package dev.ivbot.examples.spring.guide;

import dev.ivbot.ChatRequest;
import dev.ivbot.DialogEngine;
import dev.ivbot.Reply;
import dev.ivbot.spring.DialogEngineCustomizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Service;

/** The Java blocks of {@code docs/spring-boot.md}, compiled; {@link SpringBootGuideTest} runs them. */
final class SpringBootGuideSnippets {
    private static final Logger LOG = LoggerFactory.getLogger(SpringBootGuideSnippets.class);

    private SpringBootGuideSnippets() {}

    // tag::application[]
    @SpringBootApplication
    public static class PortalApplication {
        @Bean
        DialogEngineCustomizer logMisses() {     // optional: adjust the builder before the engine is built
            return builder -> builder.listener(event -> {
                if (event.reply() != null && event.reply().fallbackReason() != null) {
                    LOG.info("missed: {}", event.reply().fallbackReason());
                }
            });
        }
    }

    @Service
    public static class CandidateChat {
        private final DialogEngine engine;       // the starter's bean: one per application, closed on shutdown

        public CandidateChat(DialogEngine engine) {
            this.engine = engine;
        }

        public Reply ask(String userId, String sessionId, String question) {
            return engine.chat(ChatRequest.of(userId, sessionId, question));
        }
    }
    // end::application[]
}
