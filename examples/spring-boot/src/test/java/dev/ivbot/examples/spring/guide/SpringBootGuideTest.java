package dev.ivbot.examples.spring.guide;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ivbot.Reply;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Keeps {@code docs/spring-boot.md}'s quick start honest: its Java is compiled here, and it starts and answers with its properties. */
class SpringBootGuideTest {
    private static final Path GUIDE = Path.of("..", "..", "docs", "spring-boot.md");
    private static final Path SNIPPETS = Path.of("src", "test", "java", "dev", "ivbot", "examples", "spring", "guide",
            "SpringBootGuideSnippets.java");

    @Test
    void theQuickStartsJavaIsTheCompiledSnippet() throws IOException {
        Matcher tag = Pattern.compile("(?s)// tag::application\\[]\\n(.*?)\\n\\s*// end::application\\[]")
                .matcher(Files.readString(SNIPPETS, StandardCharsets.UTF_8));
        assertThat(tag.find()).isTrue();
        assertThat(blocks("java")).first().extracting(SpringBootGuideTest::stripped).isEqualTo(stripped(tag.group(1)));
    }

    @Test
    void theQuickStartStartsWithItsPropertiesAndAnswersAFollowUp() throws IOException {
        Properties quickStart = new Properties();
        quickStart.load(new StringReader(blocks("properties").get(0)));
        assertThat(quickStart).containsKey("ivbot.knowledge-base");
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(SpringBootGuideSnippets.PortalApplication.class,
                SpringBootGuideSnippets.CandidateChat.class)
                .web(WebApplicationType.NONE).properties(quickStart)
                // the quick start's properties alone, in a portal without Spring Data Redis: not this app's
                // application.properties, not the Redis auto-configuration that this module has on its classpath
                .properties("spring.config.location=optional:classpath:/quick-start-only/",
                        "spring.autoconfigure.exclude=org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration")
                .run()) {
            SpringBootGuideSnippets.CandidateChat chat = context.getBean(SpringBootGuideSnippets.CandidateChat.class);
            chat.ask("candidate-42", "s-1", "年假有几天？");
            Reply next = chat.ask("candidate-42", "s-1", "那病假呢");
            assertThat(next.intent()).isEqualTo("leave_policy");
            assertThat(next.slots()).containsEntry("leave_type", "sick");
        }
    }

    private static List<String> blocks(String language) throws IOException {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("(?s)```" + language + "\\n(.*?)```").matcher(Files.readString(GUIDE, StandardCharsets.UTF_8));
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** The code without indentation and blank lines, so that the doc may indent differently. */
    private static String stripped(String code) {
        return code.lines().map(String::strip).filter(l -> !l.isEmpty()).reduce("", (a, b) -> a + b + "\n");
    }
}
