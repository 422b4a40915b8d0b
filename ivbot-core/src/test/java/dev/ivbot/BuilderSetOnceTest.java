package dev.ivbot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ivbot.spi.Fallback;
import dev.ivbot.spi.SessionStore;
import dev.ivbot.testkit.KeywordClassifier;
import dev.ivbot.testkit.TestKnowledgeBases;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A single-valued setter of the builder called a second time is a mistake, not a silent override. */
class BuilderSetOnceTest {

    private static final ExecutorService EXECUTOR = Executors.newSingleThreadExecutor();
    private static final ScheduledExecutorService SCHEDULER = Executors.newSingleThreadScheduledExecutor();

    @AfterAll
    static void shutDown() {
        EXECUTOR.shutdownNow();
        SCHEDULER.shutdownNow();
    }

    private static Arguments setter(String name, Consumer<DialogEngine.Builder> first, Consumer<DialogEngine.Builder> second) {
        return Arguments.of(name, first, second);
    }

    static Stream<Arguments> singleValuedSetters() {
        return Stream.of(
                setter("knowledgeBase", b -> b.knowledgeBase(TestKnowledgeBases.tiny()),
                        b -> b.knowledgeBase(TestKnowledgeBases.tiny())),
                setter("primaryClassifier", b -> b.primaryClassifier(KeywordClassifier.forTinyKb()),
                        b -> b.primaryClassifier(KeywordClassifier.forTinyKb())),
                // the two overloads are one setter
                setter("primaryClassifier", b -> b.primaryClassifier(KeywordClassifier.forTinyKb()),
                        b -> b.primaryClassifier(kb -> KeywordClassifier.forTinyKb())),
                setter("primaryClassifier", b -> b.primaryClassifier(kb -> KeywordClassifier.forTinyKb()),
                        b -> b.primaryClassifier(KeywordClassifier.forTinyKb())),
                setter("secondaryClassifier", b -> b.secondaryClassifier(KeywordClassifier.forTinyKb()),
                        b -> b.secondaryClassifier(kb -> KeywordClassifier.forTinyKb())),
                setter("secondaryClassifier", b -> b.secondaryClassifier(kb -> KeywordClassifier.forTinyKb()),
                        b -> b.secondaryClassifier(KeywordClassifier.forTinyKb())),
                setter("sessionStore", b -> b.sessionStore(SessionStore.inMemory()), b -> b.sessionStore(SessionStore.inMemory())),
                setter("fallback", b -> b.fallback(Fallback.fromKnowledgeBase()), b -> b.fallback(Fallback.fromKnowledgeBase())),
                setter("classifierDeadline", b -> b.classifierDeadline(Duration.ofMillis(100)),
                        b -> b.classifierDeadline(Duration.ofMillis(300))),
                setter("maxTextLength", b -> b.maxTextLength(100), b -> b.maxTextLength(200)),
                setter("clock", b -> b.clock(InstantSource.system()), b -> b.clock(InstantSource.system())),
                setter("classificationCacheSize", b -> b.classificationCacheSize(0), b -> b.classificationCacheSize(10)),
                setter("failureAlarm", b -> b.failureAlarm(0.1, Duration.ofSeconds(10), (r, rate, t) -> { }),
                        b -> b.failureAlarm(0.2, Duration.ofSeconds(20), (r, rate, t) -> { })),
                setter("contextReading", b -> b.contextReading(ContextReading.FAST), b -> b.contextReading(ContextReading.FAST)),
                setter("executor", b -> b.executor(EXECUTOR), b -> b.executor(EXECUTOR)),
                setter("scheduler", b -> b.scheduler(SCHEDULER), b -> b.scheduler(SCHEDULER)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("singleValuedSetters")
    void aSecondCallThrowsNamingTheSetter(String name, Consumer<DialogEngine.Builder> first,
            Consumer<DialogEngine.Builder> second) {
        DialogEngine.Builder builder = DialogEngine.builder();
        first.accept(builder);
        assertThatIllegalStateException().isThrownBy(() -> second.accept(builder))
                .withMessageStartingWith(name + "(...) was already set");
    }

    @Test
    void everySingleValuedSetterIsCovered() {
        // each public setter of the builder but listener(...) and build() appears above
        List<String> covered = singleValuedSetters().map(a -> (String) a.get()[0]).distinct().toList();
        List<String> setters = Stream.of(DialogEngine.Builder.class.getDeclaredMethods())
                .filter(m -> java.lang.reflect.Modifier.isPublic(m.getModifiers()))
                .filter(m -> m.getReturnType() == DialogEngine.Builder.class)
                .map(java.lang.reflect.Method::getName)
                .filter(n -> !n.equals("listener"))
                .distinct().toList();
        assertThat(covered).containsExactlyInAnyOrderElementsOf(setters);
    }

    @Test
    void theFirstValueStaysAfterARefusedSecondCall() {
        DialogEngine.Builder builder = DialogEngine.builder().knowledgeBase(TestKnowledgeBases.tiny())
                .primaryClassifier(KeywordClassifier.forTinyKb()).maxTextLength(5);
        assertThatIllegalStateException().isThrownBy(() -> builder.maxTextLength(500));
        try (DialogEngine engine = builder.build()) {
            // 10 characters: over the first limit (5), within the refused one (500)
            assertThatThrownBy(() -> engine.chat(ChatRequest.of("u", "s", "年假有几天年假有几天")))
                    .isInstanceOf(InvalidInputException.class);
        }
    }

    @Test
    void aCallRefusedForItsArgumentDoesNotCountAsSet() {
        DialogEngine.Builder builder = DialogEngine.builder();
        assertThatIllegalArgumentException().isThrownBy(() -> builder.maxTextLength(0));
        builder.maxTextLength(100); // the first accepted value
        assertThatIllegalStateException().isThrownBy(() -> builder.maxTextLength(200))
                .withMessageStartingWith("maxTextLength(...) was already set");
    }

    @Test
    void listenersAddUp() {
        List<String> heard = new CopyOnWriteArrayList<>();
        java.util.concurrent.CountDownLatch both = new java.util.concurrent.CountDownLatch(2);
        DialogEngine.Builder builder = DialogEngine.builder().knowledgeBase(TestKnowledgeBases.tiny())
                .primaryClassifier(KeywordClassifier.forTinyKb())
                .listener(e -> { heard.add("first"); both.countDown(); })
                .listener(e -> { heard.add("second"); both.countDown(); });
        try (DialogEngine engine = builder.build()) {
            engine.chat(ChatRequest.of("u", "s", "年假有几天"));
            assertThat(awaitQuietly(both)).isTrue();
        }
        assertThat(heard).containsExactly("first", "second");
    }

    @Test
    void buildingTwiceIsNotSettingTwice() {
        DialogEngine.Builder builder = DialogEngine.builder().knowledgeBase(TestKnowledgeBases.tiny())
                .primaryClassifier(kb -> KeywordClassifier.forTinyKb());
        try (DialogEngine one = builder.build(); DialogEngine two = builder.build()) {
            assertThat(one).isNotSameAs(two);
        }
    }

    private static boolean awaitQuietly(java.util.concurrent.CountDownLatch latch) {
        try {
            return latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
