package dev.ivbot.examples.guide;

import dev.ivbot.ChatRequest;
import dev.ivbot.DialogEngine;
import dev.ivbot.InvalidInputException;
import dev.ivbot.Reply;
import dev.ivbot.SessionAccessDeniedException;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.KnowledgeBaseWatcher;
import dev.ivbot.micrometer.DialogEngineMetrics;
import dev.ivbot.onnx.ModelLifecycle;
import dev.ivbot.onnx.OnnxIntentClassifier;
import dev.ivbot.redis.RedisSessionStore;
import dev.ivbot.redis.RedisSessionStoreOptions;
import dev.ivbot.review.ReviewCluster;
import dev.ivbot.review.ReviewRecorder;
import dev.ivbot.review.ReviewService;
import dev.ivbot.spi.ReviewQueue;
import dev.ivbot.rules.RuleClassifier;
import dev.ivbot.security.JwtVerifier;
import dev.ivbot.security.TokenRejectedException;
import dev.ivbot.security.VerifiedToken;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every Java snippet of {@code docs/user-guide.md}, between {@code tag::name[]} and {@code end::name[]}
 * markers. {@link UserGuideSnippetsTest} checks that each {@code java} block of the guide is one of these
 * regions (so the guide cannot drift from code that compiles) and runs the ones that need no network.
 */
final class UserGuideSnippets {
    private static final Logger log = LoggerFactory.getLogger(UserGuideSnippets.class);

    private UserGuideSnippets() {}

    static Reply buildTheEngine(Path kbFolder) {
        // tag::build-engine[]
        KnowledgeBase kb = KnowledgeBase.load(kbFolder);            // e.g. Path.of("examples/hr-demo-kb")
        try (DialogEngine engine = DialogEngine.builder()
                .knowledgeBase(kb)
                .primaryClassifier(RuleClassifier.factory())         // rules: no model needed
                .classifierDeadline(Duration.ofMillis(200))          // a slower classifier gives way to the next
                .build()) {
            Reply first = engine.chat(ChatRequest.of("candidate-42", "session-1", "年假有几天？"));
            Reply next = engine.chat(ChatRequest.of("candidate-42", "session-1", "那病假呢"));
            // next.intent() == "leave_policy", next.slots() has leave_type=sick, next.source() == CONTEXT
            return next;
        }
        // end::build-engine[]
    }

    static Reply hostPools(KnowledgeBase kb) {
        // tag::host-pools[]
        ExecutorService classifierCalls = Executors.newFixedThreadPool(32);
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1);
        timers.setRemoveOnCancelPolicy(true);                       // answered turns cancel their deadline timer
        try (DialogEngine engine = DialogEngine.builder()
                .knowledgeBase(kb)
                .primaryClassifier(RuleClassifier.factory())
                .executor(classifierCalls)
                .scheduler(timers)
                .build()) {
            return engine.chat(ChatRequest.of("candidate-42", "session-1", "年假有几天？"));
        } finally {
            classifierCalls.shutdown();
            timers.shutdown();
        }
        // end::host-pools[]
    }

    static DialogEngine withTheModel(KnowledgeBase kb) {
        // tag::onnx-engine[]
        ModelLifecycle model = ModelLifecycle.builder()
                .classifier(OnnxIntentClassifier.builder()
                        .repository(Path.of(".ivbot/models"))        // <repo>/intent/<version>/
                        .knowledgeBase(kb)
                        .listener(event -> log.info("model {}", event))) // LOADED, REFUSED (gate), ROLLED_BACK
                .build();                                            // loads; trains version 1 if the repository is empty
        DialogEngine engine = DialogEngine.builder()
                .knowledgeBase(kb)
                .primaryClassifier(model.hybrid(RuleClassifier.factory()))                   // BERT with the rules as second opinion;
                .secondaryClassifier(RuleClassifier.factory())       // the rules alone on timeout or failure
                .build();
        // on shutdown: engine.close(), then model.close(): the model is yours, not the engine's
        // end::onnx-engine[]
        return engine;
    }

    static void rollback(ModelLifecycle model) {
        // tag::rollback[]
        model.classifier().rollback();                               // back to the version served before
        // end::rollback[]
    }

    static DialogEngine withRedis(KnowledgeBase kb) {
        // tag::redis-engine[]
        RedisSessionStore store = RedisSessionStore.builder()
                .uri("redis-sentinel://sentinel-1:26379,sentinel-2:26379/0#ivbot")
                .options(RedisSessionStoreOptions.builder().ttl(Duration.ofMinutes(10)).build())
                .build();
        DialogEngine engine = DialogEngine.builder()
                .knowledgeBase(kb)
                .primaryClassifier(RuleClassifier.factory())
                .sessionStore(store)                                 // yours: close it after the engine
                .build();
        // end::redis-engine[]
        return engine;
    }

    static boolean sessions(DialogEngine engine, String userId, String sessionId) {
        // tag::sessions[]
        boolean alive = engine.touch(userId, sessionId);      // heartbeat: renews the TTL; false if expired
        boolean ended = engine.endSession(userId, sessionId); // "new conversation": deletes the state
        // sessions are per user: another user's session id names a session of this user's own
        // end::sessions[]
        return alive && ended;
    }

    static PrometheusMeterRegistry metrics(KnowledgeBase kb) {
        // tag::metrics[]
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        DialogEngineMetrics metrics = DialogEngineMetrics.create();
        DialogEngine engine = DialogEngine.builder()
                .knowledgeBase(kb)
                .primaryClassifier(RuleClassifier.factory())
                .listener(metrics)                                   // feeds the latency timer
                .failureAlarm(0.05, Duration.ofMinutes(1), (raised, rate, turns) ->
                        log.warn("failure alarm {}: {} of the last {} turns failed",
                                raised ? "RAISED" : "cleared", rate, turns))
                .build();
        metrics.monitor(engine).bindTo(registry);                    // counters and gauges read from the engine
        // serve registry.scrape() on GET /metrics
        // end::metrics[]
        engine.chat(ChatRequest.of("u", "s", "年假有几天"));
        return registry;
    }

    static KnowledgeBaseWatcher hotReloadTheKb(DialogEngine engine, Path kbFolder) {
        // tag::kb-watch[]
        KnowledgeBaseWatcher watcher = KnowledgeBaseWatcher.start(engine, kbFolder, Duration.ofSeconds(2));
        // an edit that fails to load is logged and refused; the old KB keeps answering
        // end::kb-watch[]
        return watcher;
    }

    // tag::servlet[]
    public class ChatServlet extends HttpServlet {
        private final DialogEngine engine;      // one per application, built at start-up
        private final JwtVerifier verifier;     // JwtVerifier.builder().rsaPublicKeyPem(pem).issuer(...).build()

        public ChatServlet(DialogEngine engine, JwtVerifier verifier) {
            this.engine = engine;
            this.verifier = verifier;
        }

        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            try {
                VerifiedToken user = verifier.verify(req.getHeader("Authorization"));
                Reply reply = engine.chat(ChatRequest.of(user.userId(), req.getParameter("sessionId"),
                                req.getParameter("text"))
                        .withAttributes(user.slotAttributesKnownTo(engine.knowledgeBase())));
                resp.setStatus(reply.fallbackReason() == dev.ivbot.FallbackReason.STORE_BUSY ? 503 : 200);
                resp.setContentType("text/plain;charset=UTF-8");
                resp.getWriter().write(reply.text());
            } catch (TokenRejectedException e) {
                resp.sendError(401);
            } catch (SessionAccessDeniedException e) {
                resp.sendError(403);
            } catch (InvalidInputException e) {
                resp.sendError(400, e.getMessage());
            }
        }
    }
    // end::servlet[]

    // tag::spring[]
    // @Configuration
    public static class IvbotConfiguration {
        // @Bean(destroyMethod = "close")
        public DialogEngine dialogEngine(MeterRegistry registry) {
            DialogEngineMetrics metrics = DialogEngineMetrics.create();
            DialogEngine engine = DialogEngine.builder()
                    .knowledgeBase(KnowledgeBase.load(Path.of("/srv/hr-kb")))
                    .primaryClassifier(RuleClassifier.factory())
                    .listener(metrics)
                    .build();
            metrics.monitor(engine).bindTo(registry);   // Spring Boot Actuator's registry: /actuator/prometheus
            return engine;
        }
    }
    // end::spring[]

    /** Compiled, not run: it needs a trained model (the scenario test in ivbot-onnx runs the same wiring). */
    static ReviewService operatorsLoop(Path kbFolder, ModelLifecycle model) {
        // tag::review-queue[]
        ReviewQueue queue = ReviewQueue.inMemory();                 // or RedisReviewQueue.create(uri) for several servers
        DialogEngine engine = DialogEngine.builder()
                .knowledgeBase(KnowledgeBase.load(kbFolder))
                .primaryClassifier(model.hybrid(RuleClassifier.factory()))
                .listener(ReviewRecorder.builder(queue).build())    // fallbacks, low confidence, clarifications, 转人工
                .build();
        ReviewService review = ReviewService.builder()
                .knowledgeBase(kbFolder)                            // the folder whose YAML accepted actions edit
                .queue(queue)
                .embedder(model.classifier()::embed)                // clusters in the serving encoder's space
                .onChange(engine::reloadKnowledgeBase)              // retrain -> gate -> swap, as for any example edit
                .build();
        for (ReviewCluster c : review.clusters()) {
            log.info("{} questions like {}: {} {}", c.size(), c.representatives(), c.suggestion(), c.nearestIntent());
        }
        // end::review-queue[]
        return review;
    }
}
