package dev.ivbot.examples.boot4;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ivbot.ChatRequest;
import dev.ivbot.DialogEngine;
import dev.ivbot.Reply;
import dev.ivbot.spring.IvbotAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The starter on Spring Boot 4.0 (docs/spring-boot.md says what works there): the engine from
 * {@code ivbot.*} properties answers, a bad property fails startup naming it, and the engine is
 * closed with the context. What Boot 4 moved to new modules (Redis, Actuator) is not wired; with
 * Boot 4's Redis present the starter keeps sessions in memory and warns.
 */
class Boot4StarterTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(IvbotAutoConfiguration.class));

    @Test
    void theEngineFromPropertiesAnswersOnBoot4AndClosesWithTheContext() {
        assertThat(SpringBootVersion.getVersion()).startsWith("4.0");
        DialogEngine[] seen = new DialogEngine[1];
        runner.withPropertyValues("ivbot.knowledge-base=../hr-demo-kb", "ivbot.classifier.mode=rules")
                .run(context -> {
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
    @ExtendWith(OutputCaptureExtension.class)
    void boot4sRedisIsNotWiredAndTheStarterSaysSo(CapturedOutput output) {
        runner.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
                .withPropertyValues("ivbot.knowledge-base=../hr-demo-kb", "ivbot.classifier.mode=rules")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasBean("redisConnectionFactory");
                    assertThat(context).hasBean("ivbotInMemorySessionStore").doesNotHaveBean("ivbotRedisSessionStore");
                    assertThat(output).contains("Spring Boot 4's Redis").contains("ivbot keeps sessions in memory");
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
