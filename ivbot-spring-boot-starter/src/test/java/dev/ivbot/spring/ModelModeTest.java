package dev.ivbot.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ivbot.ChatRequest;
import dev.ivbot.DialogEngine;
import dev.ivbot.Reply;
import dev.ivbot.onnx.ModelRepository;
import dev.ivbot.spring.internal.ClassifierSetup;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** {@code ivbot.classifier.mode=hybrid}: the real bge-small model, a first version trained from the KB into the repository. */
class ModelModeTest {
    @Test
    void theHybridModeTrainsAFirstVersionServesItAndClosesItWithTheContext(@TempDir Path repository) {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(IvbotAutoConfiguration.class))
                .withPropertyValues(IvbotAutoConfigurationTest.KB, "ivbot.classifier.mode=hybrid",
                        "ivbot.classifier.model-repository=" + repository)
                .run(context -> {
                    assertThat(ModelRepository.newest(repository, ModelRepository.DEFAULT_MODEL)).isPresent();
                    DialogEngine engine = context.getBean(DialogEngine.class);
                    Reply reply = engine.chat(ChatRequest.of("candidate-42", "s-1", "年假有几天？"));
                    assertThat(reply.intent()).isEqualTo("leave_policy");
                    assertThat(engine.health().primary().serving()).isTrue();
                    assertThat(context.getBean(ClassifierSetup.class).description()).startsWith("hybrid");
                });
    }
}
