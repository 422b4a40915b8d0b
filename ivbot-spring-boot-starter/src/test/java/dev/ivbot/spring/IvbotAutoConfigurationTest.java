package dev.ivbot.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ivbot.ContextReading;
import dev.ivbot.ChatRequest;
import dev.ivbot.DialogEngine;
import dev.ivbot.Reply;
import dev.ivbot.Source;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.onnx.ModelLifecycle;
import dev.ivbot.redis.RedisSessionStore;
import dev.ivbot.spi.SessionStore;
import dev.ivbot.spi.TurnEvent;
import dev.ivbot.spi.TurnListener;
import dev.ivbot.spring.internal.ChatController;
import dev.ivbot.spring.internal.InvalidPropertyFailureAnalyzer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.health.HealthContributorAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.info.InfoContributorAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.core.context.SecurityContextHolder;

/** Each condition of {@link IvbotAutoConfiguration}, with the rules classifier and the demo KB from the classpath. */
class IvbotAutoConfigurationTest {
    static final String KB = "ivbot.knowledge-base=classpath:hr-demo-kb";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(IvbotAutoConfiguration.class))
            .withPropertyValues(KB);

    @Test
    void buildsOneEngineWithTheRulesAndInMemorySessionsThatAnswersAFollowUp() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(DialogEngine.class).hasSingleBean(SessionStore.class)
                    .doesNotHaveBean(RedisSessionStore.class).doesNotHaveBean(ChatController.class);
            DialogEngine engine = context.getBean(DialogEngine.class);
            engine.chat(ChatRequest.of("candidate-42", "s-1", "年假有几天？"));
            Reply next = engine.chat(ChatRequest.of("candidate-42", "s-1", "那病假呢"));
            assertThat(next.intent()).isEqualTo("leave_policy");
            assertThat(next.slots()).containsEntry("leave_type", "sick");
            assertThat(engine.primaryClassifier().source()).isEqualTo(Source.RULES);
        });
    }

    @Test
    void propertiesReachTheEngineAndTheStore() {
        runner.withPropertyValues("ivbot.session.ttl=42s", "ivbot.classifier.deadline=50ms").run(context -> {
            assertThat(context.getBean(SessionStore.class).ttl()).isEqualTo(Duration.ofSeconds(42));
            assertThat(context.getBean(IvbotProperties.class).getClassifier().getDeadline())
                    .isEqualTo(Duration.ofMillis(50));
        });
    }

    @Test
    void aPronounFollowUpIsReadInContextUnlessTheContextReadingIsOff() {
        runner.run(context -> assertThat(followUp(context.getBean(DialogEngine.class)).intent())
                .isEqualTo("leave_policy"));
        runner.withPropertyValues("ivbot.classifier.context-reading=off").run(context -> {
            assertThat(context.getBean(IvbotProperties.class).getClassifier().getContextReading())
                    .isEqualTo(ContextReading.OFF);
            assertThat(followUp(context.getBean(DialogEngine.class)).isFallback()).isTrue();
        });
    }

    private static Reply followUp(DialogEngine engine) {
        engine.chat(ChatRequest.of("candidate-7", "s-ctx", "年假有几天"));
        return engine.chat(ChatRequest.of("candidate-7", "s-ctx", "这个要提前多久申请"));
    }

    @Test
    void closingTheContextClosesTheEngineAndTheStore() {
        DialogEngine[] engine = new DialogEngine[1];
        SessionStore[] store = new SessionStore[1];
        runner.run(context -> {
            engine[0] = context.getBean(DialogEngine.class);
            store[0] = context.getBean(SessionStore.class);
            assertThat(engine[0].isClosed()).isFalse();
        });
        assertThat(engine[0].isClosed()).isTrue();
    }

    @Test
    void aFolderOnDiskWorksAsWellAsTheClasspath() {
        runner.withPropertyValues("ivbot.knowledge-base=" + Path.of("../examples/hr-demo-kb").toAbsolutePath())
                .run(context -> assertThat(context.getBean(KnowledgeBase.class).intents()).isNotEmpty());
    }

    @Test
    void everyBeanGivesWayToThePortalsOwn() {
        runner.withUserConfiguration(OwnBeans.class).run(context -> {
            assertThat(context).hasSingleBean(SessionStore.class);
            assertThat(context.getBean(SessionStore.class)).isSameAs(OwnBeans.STORE);
            DialogEngine engine = context.getBean(DialogEngine.class);
            assertThat(engine.sessionStore()).isSameAs(OwnBeans.STORE);
            engine.chat(ChatRequest.of("candidate-42", "s-1", "年假有几天？"));
            OwnBeans beans = context.getBean(OwnBeans.class);
            assertThat(beans.customized).isTrue();
            assertThat(beans.heard.await(10, java.util.concurrent.TimeUnit.SECONDS)).as("the portal's listener heard the turn")
                    .isTrue();
            assertThat(beans.events).isNotEmpty();
        });
        runner.withBean("myEngine", DialogEngine.class, () -> DialogEngine.builder()
                .knowledgeBase(KnowledgeBase.load(Path.of("../examples/hr-demo-kb")))
                .primaryClassifier(dev.ivbot.rules.RuleClassifier.factory()).build())
                .run(context -> assertThat(context).hasSingleBean(DialogEngine.class).hasBean("myEngine"));
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnBeans {
        static final SessionStore STORE = SessionStore.inMemory();
        volatile boolean customized;
        final List<TurnEvent> events = new CopyOnWriteArrayList<>();
        /** Counted down by the listener: listeners run off the reply's path, after chat() returns. */
        final CountDownLatch heard = new CountDownLatch(1);

        @Bean
        SessionStore myStore() {
            return STORE;
        }

        @Bean
        DialogEngineCustomizer customizer() {
            return builder -> customized = true;
        }

        @Bean
        TurnListener listener() {
            return event -> {
                events.add(event);
                heard.countDown();
            };
        }
    }

    // ------------------------------------------------------------------ bad properties

    @Test
    void aMissingKnowledgeBaseFailsStartupNamingThePropertyAndTheValue() {
        assertFailure(new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(IvbotAutoConfiguration.class))
                .withPropertyValues("ivbot.knowledge-base=/no/such/kb"), "ivbot.knowledge-base", "/no/such/kb");
        assertFailure(runner.withPropertyValues("ivbot.knowledge-base=classpath:no-such-kb"),
                "ivbot.knowledge-base", "classpath:no-such-kb");
        assertFailure(new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(IvbotAutoConfiguration.class)),
                "ivbot.knowledge-base", "null");
    }

    @Test
    void anUnknownClassifierModeFailsStartupNamingThePropertyAndTheValue() {
        FailureAnalysis analysis = assertFailure(runner.withPropertyValues("ivbot.classifier.mode=bert"),
                "ivbot.classifier.mode", "bert");
        assertThat(analysis.getAction()).contains("rules, onnx or hybrid");
    }

    @Test
    void aNegativeTtlFailsStartupNamingThePropertyAndTheValue() {
        assertFailure(runner.withPropertyValues("ivbot.session.ttl=-5s"), "ivbot.session.ttl", "PT-5S");
        assertFailure(runner.withPropertyValues("ivbot.failure-alarm.threshold=1.5"), "ivbot.failure-alarm.threshold", "1.5");
        assertFailure(runner.withPropertyValues("ivbot.classifier.cache-size=-1"), "ivbot.classifier.cache-size", "-1");
    }

    @Test
    void anUnknownContextReadingFailsStartupInSpringsBinderNamingThePropertyAndTheValue() {
        runner.withPropertyValues("ivbot.classifier.context-reading=sideways").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasStackTraceContaining("ivbot.classifier.context-reading")
                    .hasStackTraceContaining("sideways");
        });
    }

    @Test
    void theModelModesWithoutIvbotOnnxFailStartupSayingWhatToAdd() {
        FailureAnalysis analysis = assertFailure(runner.withClassLoader(new FilteredClassLoader(ModelLifecycle.class))
                .withPropertyValues("ivbot.classifier.mode=hybrid"), "ivbot.classifier.mode", "hybrid");
        assertThat(analysis.getAction()).contains("ivbot-onnx");
    }

    /** Startup fails with an {@link InvalidPropertyException}, and the registered analyzer reports property and value. */
    private static FailureAnalysis assertFailure(ApplicationContextRunner runner, String property, String value) {
        FailureAnalysis[] result = new FailureAnalysis[1];
        runner.run(context -> {
            assertThat(context).hasFailed();
            Throwable failure = context.getStartupFailure();
            assertThat(failure).hasRootCauseInstanceOf(InvalidPropertyException.class);
            FailureAnalysis analysis = new InvalidPropertyFailureAnalyzer().analyze(failure);
            assertThat(analysis).isNotNull();
            assertThat(analysis.getDescription()).contains("Property: " + property).contains("Value: \"" + value + "\"");
            result[0] = analysis;
        });
        assertThat(registeredFailureAnalyzers()).contains(InvalidPropertyFailureAnalyzer.class.getName());
        return result[0];
    }

    private static List<String> registeredFailureAnalyzers() {
        List<String> names = new java.util.ArrayList<>();
        try {
            for (java.net.URL url : java.util.Collections.list(
                    IvbotAutoConfigurationTest.class.getClassLoader().getResources("META-INF/spring.factories"))) {
                java.util.Properties factories = new java.util.Properties();
                try (var in = url.openStream()) {
                    factories.load(in);
                }
                String value = factories.getProperty("org.springframework.boot.diagnostics.FailureAnalyzer", "");
                for (String name : value.split(",")) {
                    names.add(name.strip());
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return names;
    }

    // ------------------------------------------------------------------ Redis

    @Test
    void withSpringDataRedisConfiguredButWithoutIvbotRedisSessionsStayInMemory() {
        runner.withConfiguration(AutoConfigurations.of(RedisAutoConfiguration.class))
                .withClassLoader(new FilteredClassLoader(RedisSessionStore.class))
                .withPropertyValues("spring.data.redis.port=1")
                .run(context -> assertThat(context.getBean(SessionStore.class).getClass().getName())
                        .doesNotContain("Redis"));
    }

    @Test
    void withoutSpringDataRedisSessionsStayInMemory() {
        runner.withClassLoader(new FilteredClassLoader("org.springframework.data.redis"))
                .run(context -> assertThat(context).hasSingleBean(SessionStore.class)
                        .doesNotHaveBean(RedisSessionStore.class));
    }

    @Test
    void ivbotSessionRedisFalseKeepsSessionsInMemoryBesideSpringDataRedis() {
        runner.withConfiguration(AutoConfigurations.of(RedisAutoConfiguration.class))
                .withPropertyValues("spring.data.redis.port=1", "ivbot.session.redis=false")
                .run(context -> assertThat(context).doesNotHaveBean(RedisSessionStore.class));
    }

    @Test
    void withSpringDataRedisSessionsGoToTheSameRedisAndSurviveTheEngine() throws Exception {
        try (RedisServer redis = new RedisServer()) {
            ApplicationContextRunner withRedis = runner.withConfiguration(AutoConfigurations.of(RedisAutoConfiguration.class))
                    .withPropertyValues("spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + redis.port,
                            "ivbot.session.ttl=120s");
            withRedis.run(context -> {
                assertThat(context).hasSingleBean(RedisSessionStore.class);
                DialogEngine engine = context.getBean(DialogEngine.class);
                engine.chat(ChatRequest.of("candidate-42", "s-redis", "年假有几天？"));
                // the portal's own Spring Data Redis connection sees the session the engine saved
                var template = context.getBean(org.springframework.data.redis.core.StringRedisTemplate.class);
                String key = RedisSessionStore.keyOf(DialogEngine.storeSessionId("candidate-42", "s-redis"));
                assertThat(template.hasKey(key)).isTrue();
                assertThat(template.getExpire(key)).isBetween(100L, 120L);
            });
            // a second application context (another node, a restart) continues the session
            withRedis.run(context -> {
                Reply next = context.getBean(DialogEngine.class).chat(ChatRequest.of("candidate-42", "s-redis", "那病假呢"));
                assertThat(next.intent()).isEqualTo("leave_policy");
                assertThat(next.slots()).containsEntry("leave_type", "sick");
            });
        }
    }

    // ------------------------------------------------------------------ Micrometer

    @Test
    void withAMeterRegistryTheIvbotMetersAreBoundToIt() {
        runner.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
                SimpleMetricsExportAutoConfiguration.class,
                org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration.class))
                .withBean(LastListener.class)
                .run(context -> {
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    context.getBean(DialogEngine.class).chat(ChatRequest.of("candidate-42", "s-1", "年假有几天？"));
                    // listeners run in order on one thread: once the last one has the turn, the timer has it too
                    assertThat(context.getBean(LastListener.class).seen.await(10, TimeUnit.SECONDS)).isTrue();
                    assertThat(registry.get("ivbot.turns").tag("source", "rules").functionCounter().count()).isEqualTo(1);
                    assertThat(registry.get("ivbot.turn.latency").timer().count()).isEqualTo(1);
                    assertThat(registry.get("ivbot.model.info").gauges()).isNotEmpty();
                });
    }

    /** A listener added after every other (customizers run last), to know when the turn's events are out. */
    static final class LastListener implements DialogEngineCustomizer {
        final CountDownLatch seen = new CountDownLatch(1);

        @Override
        public void customize(DialogEngine.Builder builder) {
            builder.listener(event -> seen.countDown());
        }
    }

    @Test
    void withoutAMeterRegistryNothingIsBound() {
        runner.run(context -> assertThat(context).doesNotHaveBean(IvbotAutoConfiguration.EngineMeters.class)
                .doesNotHaveBean(MeterRegistry.class));
        runner.withClassLoader(new FilteredClassLoader("dev.ivbot.micrometer"))
                .withBean(SimpleMeterRegistry.class)
                .run(context -> assertThat(context).hasNotFailed()
                        .doesNotHaveBean(IvbotAutoConfiguration.EngineMeters.class));
    }

    // ------------------------------------------------------------------ Actuator

    @Test
    void withActuatorTheEngineHasAHealthComponentAndInfo() {
        runner.withConfiguration(AutoConfigurations.of(HealthContributorAutoConfiguration.class,
                InfoContributorAutoConfiguration.class)).run(context -> {
            Health health = context.getBean("ivbotHealthIndicator", HealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsKeys("store", "classifier", "kb").containsEntry("ready", true);
            Info.Builder info = new Info.Builder();
            context.getBean("ivbotInfoContributor", InfoContributor.class).contribute(info);
            @SuppressWarnings("unchecked")
            var ivbot = (java.util.Map<String, Object>) info.build().get("ivbot");
            assertThat(ivbot.get("kb").toString()).contains("fingerprint=" + context.getBean(KnowledgeBase.class).fingerprint());
            assertThat(ivbot.get("classifier").toString()).contains("version=");
            context.getBean(DialogEngine.class).close();
            assertThat(context.getBean("ivbotHealthIndicator", HealthIndicator.class).health().getStatus())
                    .isEqualTo(Status.DOWN);
        });
    }

    @Test
    void theHealthComponentAndInfoCanBeSwitchedOffOrAreAbsentWithoutActuator() {
        runner.withPropertyValues("management.health.ivbot.enabled=false", "management.info.ivbot.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean("ivbotHealthIndicator")
                        .doesNotHaveBean("ivbotInfoContributor"));
        runner.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("ivbotHealthIndicator"));
    }

    // ------------------------------------------------------------------ web

    @Test
    void theChatApiIsServedOnlyWhenEnabledInAServletApplication() {
        WebApplicationContextRunner web = new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(IvbotAutoConfiguration.class)).withPropertyValues(KB);
        web.run(context -> assertThat(context).doesNotHaveBean(ChatController.class));
        web.withPropertyValues("ivbot.web.enabled=true")
                .run(context -> assertThat(context).hasSingleBean(ChatController.class));
        runner.withPropertyValues("ivbot.web.enabled=true")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(ChatController.class));
    }

    @Test
    void theChatApiWithoutSpringSecurityFailsStartupRatherThanTrustTheBody() {
        WebApplicationContextRunner web = new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(IvbotAutoConfiguration.class))
                .withPropertyValues(KB, "ivbot.web.enabled=true")
                .withClassLoader(new FilteredClassLoader(SecurityContextHolder.class));
        web.run(context -> {
            assertThat(context).hasFailed();
            assertThat(new InvalidPropertyFailureAnalyzer().analyze(context.getStartupFailure()).getDescription())
                    .contains("Property: ivbot.web.enabled");
        });
    }
}
