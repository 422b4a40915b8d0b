package dev.ivbot.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ivbot.ChatRequest;
import dev.ivbot.DialogEngine;
import dev.ivbot.Reply;
import dev.ivbot.kafka.internal.Pseudonymizer;
import dev.ivbot.rules.RuleClassifier;
import dev.ivbot.testkit.TestKnowledgeBases;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Engine -> publisher -> a real KRaft broker started by the test -> a consumer. */
class KafkaTurnPublisherIntegrationTest {

    /** How long to wait for a counter another thread moves (the publisher's stats, the acknowledgements). */
    private static final Duration AWAIT = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofMillis(5);

    private static final byte[] SECRET = "a test secret of 32 bytes length".getBytes(StandardCharsets.UTF_8);
    private static final String[] QUESTIONS = {"年假有几天", "病假怎么请", "面试有几轮", "工资多少", "今天天气怎么样",
            "how many interview rounds"};

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static DialogEngine engine(KafkaTurnPublisher publisher) {
        return DialogEngine.builder()
                .knowledgeBase(TestKnowledgeBases.tiny())
                .primaryClassifier(RuleClassifier.factory())
                .listener(publisher)
                .build();
    }

    @Test
    void aTurnBecomesOneVersionedRecordWithPseudonymAndRedactedQuestion() throws Exception {
        KAFKA.broker().createTopic("schema", 1);
        Reply answered;
        Reply fallback;
        try (KafkaTurnPublisher publisher = KafkaTurnPublisher.builder()
                .bootstrapServers(KAFKA.broker().bootstrapServers())
                .topic("schema").userIdSecret(SECRET).serverInstance("web-1").build()) {
            try (DialogEngine engine = engine(publisher)) {
                answered = engine.chat(ChatRequest.of("alice", "s-1", "年假有几天？我的电话13812345678"));
                fallback = engine.chat(ChatRequest.of("alice", "s-1", "今天天气怎么样"));
            }
        }
        List<ConsumerRecord<String, byte[]>> records = readAll("schema");
        assertThat(records).hasSize(2);
        assertThat(records).allSatisfy(r -> assertThat(r.key()).isEqualTo("s-1"));

        TurnRecord first = TurnRecord.fromJson(records.get(0).value());
        assertThat(first.schemaVersion()).isEqualTo(TurnRecord.SCHEMA_VERSION);
        assertThat(first.sessionId()).isEqualTo("s-1");
        assertThat(first.turn()).isEqualTo(1);
        assertThat(first.user()).isEqualTo(new Pseudonymizer(SECRET).pseudonym("alice")).hasSize(64)
                .doesNotContain("alice");
        assertThat(first.question()).contains("<phone>").doesNotContain("13812345678");
        assertThat(first.language()).isEqualTo("zh");
        assertThat(first.intent()).isEqualTo(answered.intent()).isEqualTo(TestKnowledgeBases.LEAVE);
        assertThat(first.confidence()).isEqualTo(answered.confidence());
        assertThat(first.top()).isNotEmpty().hasSizeLessThanOrEqualTo(3);
        assertThat(first.top().get(0).intent()).isEqualTo(TestKnowledgeBases.LEAVE);
        assertThat(first.source()).isEqualTo("rules");
        assertThat(first.fallbackReason()).isNull();
        assertThat(first.slots()).containsEntry("leave_type", "annual");
        assertThat(first.degraded()).isFalse();
        assertThat(first.latencyMillis()).isPositive();
        assertThat(first.modelVersion()).isNotBlank();
        assertThat(first.kbFingerprint()).isEqualTo(TestKnowledgeBases.tiny().fingerprint());
        assertThat(first.server()).isEqualTo("web-1");
        assertThat(first.error()).isNull();

        TurnRecord second = TurnRecord.fromJson(records.get(1).value());
        assertThat(second.turn()).isEqualTo(2);
        assertThat(second.source()).isEqualTo("fallback");
        assertThat(second.fallbackReason()).isEqualTo(fallback.fallbackReason().name().toLowerCase());
        assertThat(second.intent()).isNull();
        // absent fields are left out, so the JSON names only what the turn had
        JsonNode json = new ObjectMapper().readTree(records.get(1).value());
        assertThat(json.has("intent")).isFalse();
        assertThat(json.get("schema_version").asInt()).isEqualTo(1);
        assertThat(json.get("top").get(0).has("score")).isTrue();
    }

    @Test
    void withoutASecretNoUserIdLeavesTheJvm() throws Exception {
        KAFKA.broker().createTopic("anonymous", 1);
        try (KafkaTurnPublisher publisher = KafkaTurnPublisher.builder()
                .bootstrapServers(KAFKA.broker().bootstrapServers())
                .topic("anonymous").build()) {
            try (DialogEngine engine = engine(publisher)) {
                engine.chat(ChatRequest.of("bob-employee-42", "s-2", "工资多少"));
            }
        }
        List<ConsumerRecord<String, byte[]>> records = readAll("anonymous");
        assertThat(records).hasSize(1);
        assertThat(TurnRecord.fromJson(records.get(0).value()).user()).isNull();
        assertThat(new String(records.get(0).value(), StandardCharsets.UTF_8)).doesNotContain("bob-employee-42");
    }

    @Test
    void concurrentSessionsArriveEachInItsOwnOrder() throws Exception {
        KAFKA.broker().createTopic("order", 3);
        int sessions = 40;
        int turnsEach = 25;
        PublisherStats stats;
        try (KafkaTurnPublisher publisher = KafkaTurnPublisher.builder()
                .bootstrapServers(KAFKA.broker().bootstrapServers())
                .topic("order").build()) {
            try (DialogEngine engine = engine(publisher)) {
                ExecutorService pool = Executors.newFixedThreadPool(4);
                List<Future<?>> done = new ArrayList<>();
                for (int s = 0; s < sessions; s++) {
                    String sid = "order-" + s;
                    done.add(pool.submit(() -> {
                        for (int t = 0; t < turnsEach; t++) {
                            engine.chat(ChatRequest.of("u-" + sid, sid, QUESTIONS[t % QUESTIONS.length]));
                        }
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
                pool.shutdown();
                // the engine's close waits only a second for its listeners: on a loaded machine, wait here
                await("all turns heard").atMost(AWAIT).pollInterval(POLL)
                        .until(() -> publisher.stats().accepted() == (long) sessions * turnsEach);
            }
            publisher.close();
            stats = publisher.stats();
        }
        assertThat(stats.acknowledged()).isEqualTo((long) sessions * turnsEach);
        assertThat(stats.lost()).isZero();

        Map<String, List<Long>> turnsBySession = new HashMap<>();
        Map<String, Set<Integer>> partitionsBySession = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : readAll("order")) {
            TurnRecord record = TurnRecord.fromJson(r.value());
            assertThat(r.key()).isEqualTo(record.sessionId());
            turnsBySession.computeIfAbsent(record.sessionId(), k -> new ArrayList<>()).add(record.turn());
            partitionsBySession.computeIfAbsent(record.sessionId(), k -> new HashSet<>()).add(r.partition());
        }
        assertThat(turnsBySession).hasSize(sessions);
        List<Long> expected = new ArrayList<>();
        for (long t = 1; t <= turnsEach; t++) {
            expected.add(t);
        }
        assertThat(turnsBySession.values()).allSatisfy(turns -> assertThat(turns).isEqualTo(expected));
        assertThat(partitionsBySession.values()).allSatisfy(p -> assertThat(p).hasSize(1));
    }

    @Test
    void aBrokerRestartUnderLoadLosesOnlyCountedDropsAndDuplicatesNothing() throws Exception {
        KAFKA.broker().createTopic("restart", 3);
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicLong ackCount = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong replies = new AtomicLong();
        List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        PublisherStats stats;
        Set<String> ackedBeforeStop;
        try (KafkaTurnPublisher publisher = KafkaTurnPublisher.builder()
                .bootstrapServers(KAFKA.broker().bootstrapServers())
                .topic("restart").bufferCapacity(2_000)
                .onAcknowledged(r -> {
                    acknowledged.add(r.sessionId() + "#" + r.turn());
                    ackCount.incrementAndGet();
                })
                .build()) {
            try (DialogEngine engine = engine(publisher)) {
                // two clients, each owning 25 sessions, about 2 500 turns/s each
                List<Thread> clients = new ArrayList<>();
                for (int c = 0; c < 2; c++) {
                    int client = c;
                    Thread thread = new Thread(() -> {
                        long n = 0;
                        while (running.get()) {
                            String sid = "restart-" + client + "-" + (n % 25);
                            try {
                                engine.chat(ChatRequest.of("u-" + sid, sid, QUESTIONS[(int) (n % QUESTIONS.length)]));
                                replies.incrementAndGet();
                            } catch (RuntimeException e) {
                                errors.add(e);
                            }
                            n++;
                            LockSupport.parkNanos(400_000);
                        }
                    }, "client-" + c);
                    thread.start();
                    clients.add(thread);
                }
                await("1000 acknowledged before the stop").atMost(AWAIT).pollInterval(POLL)
                        .until(() -> ackCount.get() >= 1_000);
                KAFKA.broker().stopServer();
                ackedBeforeStop = Set.copyOf(acknowledged);
                long answeredAtStop = replies.get();
                // turns go on while the broker is down: the buffer fills, then drops are counted
                await("drops while the broker is down").atMost(AWAIT).pollInterval(POLL)
                        .until(() -> publisher.stats().dropped() > 0);
                assertThat(replies.get()).isGreaterThan(answeredAtStop);
                KAFKA.broker().startServer();
                long ackedAtRestart = ackCount.get();
                await("publishing resumes by itself").atMost(AWAIT).pollInterval(POLL)
                        .until(() -> ackCount.get() >= ackedAtRestart + 4_000);
                running.set(false);
                for (Thread t : clients) {
                    t.join();
                }
                await("all turns heard").atMost(AWAIT).pollInterval(POLL)
                        .until(() -> publisher.stats().accepted() == replies.get());
            }
            publisher.close();
            stats = publisher.stats();
        }
        assertThat(errors).as("the engine answered every turn").isEmpty();
        assertThat(stats.accepted()).as("every answered turn reached the publisher").isEqualTo(replies.get());
        assertThat(stats.dropped()).isPositive();
        assertThat(stats.buffered()).isZero();

        List<String> present = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : readAll("restart")) {
            TurnRecord record = TurnRecord.fromJson(r.value());
            present.add(record.sessionId() + "#" + record.turn());
        }
        Set<String> distinct = new HashSet<>(present);
        assertThat(present).as("no duplicates").hasSameSizeAs(distinct);
        assertThat(distinct).as("acknowledged before the stop, present").containsAll(ackedBeforeStop);
        assertThat(distinct).as("present = acknowledged").isEqualTo(acknowledged);
        assertThat((long) present.size()).as("missing = counted as lost")
                .isEqualTo(replies.get() - stats.lost());
        System.out.printf("restart: %d turns, %d acknowledged, %d dropped, %d failed%n", replies.get(),
                stats.acknowledged(), stats.dropped(), stats.failed());
    }

    static List<ConsumerRecord<String, byte[]>> readAll(String topic) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.broker().bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic + " to its end " + end);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }
}
