package dev.ivbot.examples.boot4;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ivbot.ChatRequest;
import dev.ivbot.DialogEngine;
import dev.ivbot.Reply;
import dev.ivbot.micrometer.DialogEngineMetrics;
import dev.ivbot.redis.RedisSessionStore;
import dev.ivbot.spi.SessionStore;
import dev.ivbot.spring.InvalidPropertyException;
import dev.ivbot.spring.IvbotAutoConfiguration;
import dev.ivbot.spring.RedisServer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The starter on Spring Boot 4.0 (docs/spring-boot.md): the engine from {@code ivbot.*} properties, sessions in
 * Redis over Boot 4's {@code spring.data.redis.*} (a real {@code redis-server}), the health component on Boot 4's
 * health API, the meters bound to Boot 4's registry, a bad property failing startup with its name. The chat API
 * over HTTP: {@link Boot4ChatHttpTest}.
 */
class Boot4StarterTest {
    private static final String[] RULES_DEMO_KB = {"ivbot.knowledge-base=../hr-demo-kb", "ivbot.classifier.mode=rules"};

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(IvbotAutoConfiguration.class));

    @Test
    void theEngineFromPropertiesAnswersOnBoot4AndClosesWithTheContext() {
        assertThat(SpringBootVersion.getVersion()).startsWith("4.0");
        DialogEngine[] seen = new DialogEngine[1];
        runner.withPropertyValues(RULES_DEMO_KB).run(context -> {
            assertThat(context).hasNotFailed();
            DialogEngine engine = context.getBean(DialogEngine.class);
            seen[0] = engine;
            Reply reply = engine.chat(ChatRequest.of("candidate-1", "s-1", "年假有几天？"));
            assertThat(reply.intent()).isEqualTo("leave_policy");
            assertThat(engine.chat(ChatRequest.of("candidate-1", "s-1", "那病假呢")).slots())
                    .containsEntry("leave_type", "sick");
        });
        assertThat(seen[0].isClosed()).isTrue();
    }

    @Test
    void twoNodesOnBoot4sRedisConnectionShareTheCandidatesSession() throws Exception {
        try (RedisServer redis = new RedisServer()) {
            ApplicationContextRunner node = runner
                    .withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
                    .withPropertyValues(RULES_DEMO_KB)
                    .withPropertyValues("spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + redis.port);
            node.run(first -> node.run(second -> {
                assertThat(first).hasNotFailed().hasBean("ivbotRedisSessionStore")
                        .doesNotHaveBean("ivbotInMemorySessionStore");
                assertThat(first.getBean(SessionStore.class)).isInstanceOf(RedisSessionStore.class);
                first.getBean(DialogEngine.class).chat(ChatRequest.of("candidate-2", "s-2", "年假有几天？"));
                // the follow-up lands on the other node: only a shared session knows the topic
                Reply followUp = second.getBean(DialogEngine.class).chat(ChatRequest.of("candidate-2", "s-2", "那病假呢"));
                assertThat(followUp.intent()).isEqualTo("leave_policy");
                assertThat(followUp.slots()).containsEntry("leave_type", "sick");
                assertThat(followUp.turn()).isEqualTo(2);
            }));
            node.withPropertyValues("ivbot.session.redis=false").run(context ->
                    assertThat(context).hasBean("ivbotInMemorySessionStore").doesNotHaveBean("ivbotRedisSessionStore"));
        }
    }

    @Test
    void aStaticMasterReplicaSetIsRefusedNamingTheProperty() {
        runner.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
                .withPropertyValues(RULES_DEMO_KB)
                .withPropertyValues("spring.data.redis.masterreplica.nodes=127.0.0.1:6379,127.0.0.1:6380")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause()
                            .hasMessageContaining("spring.data.redis.masterreplica.nodes=127.0.0.1:6379,127.0.0.1:6380")
                            .isInstanceOfSatisfying(InvalidPropertyException.class,
                                    e -> assertThat(e.action()).contains("SessionStore", "ivbot.session.redis=false"));
                });
    }

    @Test
    void theHealthComponentUsesBoot4sHealthApi() {
        DialogEngine[] seen = new DialogEngine[1];
        HealthIndicator[] indicator = new HealthIndicator[1];
        runner.withPropertyValues(RULES_DEMO_KB).run(context -> {
            indicator[0] = context.getBean("ivbotHealthIndicator", HealthIndicator.class);
            seen[0] = context.getBean(DialogEngine.class);
            Health health = indicator[0].health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsEntry("ready", true).containsKeys("store", "classifier");
            assertThat(health.getDetails().get("kb")).isInstanceOfSatisfying(Map.class,
                    kb -> assertThat(kb.get("intents")).isEqualTo(32));
        });
        // the engine closed with the context: the component says so rather than UP
        assertThat(seen[0].isClosed()).isTrue();
        assertThat(indicator[0].health().getStatus()).isEqualTo(Status.DOWN);
        runner.withPropertyValues(RULES_DEMO_KB).withPropertyValues("management.health.ivbot.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean("ivbotHealthIndicator"));
    }

    @Test
    void theMetersAreBoundToBoot4sRegistry() {
        runner.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
                        SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class))
                .withPropertyValues(RULES_DEMO_KB)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    context.getBean(DialogEngine.class).chat(ChatRequest.of("candidate-3", "s-3", "年假有几天？"));
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    assertThat(registry.get(DialogEngineMetrics.TURNS).functionCounters().stream()
                            .mapToDouble(FunctionCounter::count).sum()).isEqualTo(1);
                });
    }

    @Test
    void aBadPropertyFailsStartupNamingTheProperty() {
        runner.withPropertyValues("ivbot.knowledge-base=../hr-demo-kb", "ivbot.classifier.mode=bert")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("ivbot.classifier.mode")
                            .hasMessageContaining("bert");
                });
    }
}
