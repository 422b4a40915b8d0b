package dev.ivbot;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.ivbot.internal.FailureRateMonitor;
import dev.ivbot.internal.InputValidator;
import dev.ivbot.internal.ListenerDispatcher;
import dev.ivbot.internal.SlotExtractor;
import dev.ivbot.kb.Intent;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.spi.Classification;
import dev.ivbot.spi.ClassifierInput;
import dev.ivbot.spi.Fallback;
import dev.ivbot.spi.FailureAlarmListener;
import dev.ivbot.spi.IntentClassifier;
import dev.ivbot.spi.SaveOutcome;
import dev.ivbot.spi.ScoredIntent;
import dev.ivbot.spi.SessionState;
import dev.ivbot.spi.SessionStore;
import dev.ivbot.spi.TurnEvent;
import dev.ivbot.spi.TurnListener;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers candidates' questions from a knowledge base, one turn at a time, keeping each session's
 * context (last intent, slot values) in a {@link SessionStore}.
 *
 * <pre>{@code
 * try (DialogEngine engine = DialogEngine.builder()
 *         .knowledgeBase(KnowledgeBase.load(Path.of("examples/hr-demo-kb")))
 *         .primaryClassifier(RuleClassifier.factory())
 *         .build()) {
 *     Reply reply = engine.chat(ChatRequest.of("user-1", "session-1", "年假有几天？"));
 * }
 * }</pre>
 *
 * <p>One turn: validate the request; load the session and check it belongs to the user; extract
 * slot values; classify under the deadline (cache, then the primary classifier, then the secondary
 * on timeout or error); apply the dialog policy (a bare slot value keeps the previous intent, low
 * confidence or out of scope goes to the {@link Fallback}); pick the most specific answer; save
 * the session with a compare-and-set, re-applying the turn if another turn saved first; notify
 * listeners off the reply's path.
 *
 * <p>Thread-safe: share one engine across all request threads. {@link #close()} closes what the
 * engine created and the classifiers and store given to the builder (it owns them from then on).
 */
public final class DialogEngine implements AutoCloseable {

    /** Default time a classifier has before the next one answers. */
    public static final Duration DEFAULT_CLASSIFIER_DEADLINE = Duration.ofMillis(200);
    /** Default alarm threshold of the failure rate. */
    public static final double DEFAULT_FAILURE_ALARM_THRESHOLD = 0.05;
    /** Default sliding window of the failure rate. */
    public static final Duration DEFAULT_FAILURE_WINDOW = Duration.ofSeconds(60);
    /** How often a turn is re-applied when other turns of its session keep saving first. */
    public static final int MAX_SAVE_ATTEMPTS = 16;

    private static final Logger LOG = LoggerFactory.getLogger(DialogEngine.class);

    private volatile Runtime runtime;
    private final SessionStore store;
    private final Fallback fallback;
    private final InputValidator validator;
    private final long deadlineNanos;
    private final InstantSource clock;
    private final ExecutorService executor;
    /** Classifier deadlines and save backoffs; one thread, since a task only completes a future or issues a call. */
    private final ScheduledThreadPoolExecutor timers;
    private final ListenerDispatcher listeners;
    private final EngineMetrics metrics;
    private final long cacheSize;
    private final AtomicBoolean closed = new AtomicBoolean();

    private DialogEngine(Builder b, IntentClassifier primary, @Nullable IntentClassifier secondary) {
        this.store = b.store != null ? b.store : SessionStore.inMemory(SessionStore.DEFAULT_TTL, 1_000_000, b.clock);
        this.fallback = b.fallback;
        this.validator = new InputValidator(b.maxTextLength);
        this.deadlineNanos = b.deadline.toNanos();
        this.clock = b.clock;
        this.executor = Executors.newCachedThreadPool(daemonThreads("ivbot-engine-"));
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, daemonThreads("ivbot-timer-"));
        scheduler.setRemoveOnCancelPolicy(true);
        this.timers = scheduler;
        this.listeners = new ListenerDispatcher(b.listeners, 8192);
        FailureAlarmListener alarm = b.alarmListener;
        this.metrics = new EngineMetrics(new FailureRateMonitor(b.clock, b.failureWindow, b.failureThreshold,
                b.failureMinimumTurns, alarm::onCrossing));
        this.cacheSize = b.cacheSize;
        this.runtime = new Runtime(b.knowledgeBase, primary, secondary, cacheSize);
    }

    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------ API

    /**
     * Answers one turn and updates the session.
     *
     * @throws InvalidInputException if the request breaks a limit (nothing is read or stored)
     * @throws SessionAccessDeniedException if the session belongs to another user (nothing changes)
     * @throws ConcurrentSessionUpdateException if the session kept changing under this turn
     * @throws EngineClosedException after {@link #close()}
     */
    public Reply chat(ChatRequest request) {
        try {
            return chatAsync(request).join();
        } catch (CompletionException e) {
            throw unwrap(e);
        }
    }

    /**
     * Asynchronous {@link #chat}: no thread waits on the session store or on a batching model; the
     * turn continues on whichever thread completes each step. The future fails with the exceptions
     * {@code chat} throws.
     */
    public CompletableFuture<Reply> chatAsync(ChatRequest request) {
        long start = System.nanoTime();
        Turn turn;
        try {
            ensureOpen();
            Objects.requireNonNull(request, "request");
            Runtime rt = runtime;
            InputValidator.ValidText text = validator.validate(request, rt.knowledgeBase);
            turn = new Turn(rt, request, text);
        } catch (InvalidInputException e) {
            metrics.recordRefused();
            return CompletableFuture.failedFuture(e);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Reply> result = new CompletableFuture<>();
        attempt(turn, start, 1, result);
        return result.whenComplete((reply, error) -> {
            if (reply != null) {
                metrics.recordReply(reply, System.nanoTime() - start);
                listeners.publish(new TurnEvent(request.userId(), reply, null, turn.primaryTimedOut, turn.primaryFailed));
                return;
            }
            Throwable cause = unwrap(error);
            if (cause instanceof SessionAccessDeniedException) {
                metrics.recordRefused();
            } else {
                metrics.recordError();
            }
            listeners.publish(new TurnEvent(request.userId(), null, cause, turn.primaryTimedOut, turn.primaryFailed));
        });
    }

    /**
     * Renews a session's TTL (a chat page heartbeats while open).
     *
     * @return false if the session does not exist (expired or never opened)
     * @throws SessionAccessDeniedException if the session belongs to another user
     */
    public boolean touch(String userId, String sessionId) {
        Optional<SessionState> state = ownedSession(userId, sessionId);
        return state.isPresent() && join(store.touch(sessionId));
    }

    /**
     * Ends a session: its state is deleted.
     *
     * @return false if the session did not exist
     * @throws SessionAccessDeniedException if the session belongs to another user
     */
    public boolean endSession(String userId, String sessionId) {
        Optional<SessionState> state = ownedSession(userId, sessionId);
        return state.isPresent() && join(store.delete(sessionId));
    }

    /**
     * The session's state as stored, for display or debugging.
     *
     * @throws SessionAccessDeniedException if the session belongs to another user
     */
    public Optional<SessionState> session(String userId, String sessionId) {
        return ownedSession(userId, sessionId);
    }

    /**
     * Swaps in a new knowledge base atomically: turns in flight finish with the old one, later
     * turns use the new one. Classifiers built from the KB are rebuilt first; if that fails, the
     * old KB stays and the exception is thrown.
     */
    public void reloadKnowledgeBase(KnowledgeBase knowledgeBase) {
        ensureOpen();
        Objects.requireNonNull(knowledgeBase, "knowledgeBase");
        synchronized (this) {
            Runtime old = runtime;
            IntentClassifier primary = old.primary.withKnowledgeBase(knowledgeBase);
            IntentClassifier secondary = old.secondary == null ? null : old.secondary.withKnowledgeBase(knowledgeBase);
            runtime = new Runtime(knowledgeBase, primary, secondary, cacheSize);
            if (primary != old.primary) {
                old.primary.close();
            }
            if (secondary != old.secondary && old.secondary != null) {
                old.secondary.close();
            }
            LOG.info("knowledge base reloaded: {}", knowledgeBase);
        }
    }

    /** The knowledge base in force. */
    public KnowledgeBase knowledgeBase() {
        return runtime.knowledgeBase;
    }

    /** The primary classifier in force. */
    public IntentClassifier primaryClassifier() {
        return runtime.primary;
    }

    /** The session store. */
    public SessionStore sessionStore() {
        return store;
    }

    /** Counters about the turns served so far. */
    public EngineMetrics metrics() {
        return metrics;
    }

    /** Closes the listener thread, the executor, the classifiers and the store. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        listeners.close();
        executor.shutdownNow();
        // delayed tasks still run after shutdown(): a turn waiting on a deadline or a backoff ends
        timers.shutdown();
        Runtime rt = runtime;
        rt.primary.close();
        if (rt.secondary != null) {
            rt.secondary.close();
        }
        store.close();
    }

    // ------------------------------------------------------------------ one turn

    /** What one turn computes once, whatever number of save attempts it takes. */
    private static final class Turn {
        final Runtime rt;
        final ChatRequest request;
        final String text;
        final String normalized;
        final Language language;
        final SlotExtractor.Extraction extraction;
        @Nullable CompletableFuture<Decision> classified;
        volatile boolean primaryTimedOut;
        volatile boolean primaryFailed;

        Turn(Runtime rt, ChatRequest request, InputValidator.ValidText valid) {
            this.rt = rt;
            this.request = request;
            this.text = valid.text();
            this.normalized = valid.normalized();
            this.language = Language.detect(valid.text());
            this.extraction = rt.slotExtractor.extract(normalized);
        }
    }

    /** The dialog policy's verdict on a turn. */
    private record Decision(@Nullable String intent, double confidence, Source source,
            @Nullable FallbackReason reason, List<Choice> choices, boolean degraded) {}

    /** One load-decide-save attempt; a save conflict starts the next attempt on the fresh state. */
    private void attempt(Turn turn, long start, int attempt, CompletableFuture<Reply> result) {
        String sessionId = turn.request.sessionId();
        String userId = turn.request.userId();
        store.load(sessionId).whenComplete((stored, loadError) -> {
            if (loadError != null) {
                fail(turn, start, loadError, result);
                return;
            }
            try {
                SessionState state = stored.orElseGet(() -> SessionState.empty(sessionId, userId, clock.millis()));
                if (!state.userId().equals(userId)) {
                    throw new SessionAccessDeniedException(sessionId);
                }
                decide(turn, state).whenComplete((decision, decideError) -> {
                    if (decideError != null) {
                        fail(turn, start, decideError, result);
                        return;
                    }
                    try {
                        save(turn, start, attempt, state, decision, result);
                    } catch (RuntimeException e) {
                        result.completeExceptionally(e);
                    }
                });
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
    }

    private void save(Turn turn, long start, int attempt, SessionState state, Decision decision,
            CompletableFuture<Reply> result) {
        Map<String, String> slots = mergeSlots(turn, state);
        String answer;
        if (decision.intent != null) {
            Intent intent = turn.rt.knowledgeBase.intents().get(decision.intent);
            answer = intent.answerFor(slots).text().in(turn.language);
        } else {
            answer = fallback.reply(new Fallback.Context(decision.reason, turn.language, turn.text,
                    decision.choices, turn.rt.knowledgeBase));
        }
        String keptIntent = decision.intent != null ? decision.intent : state.lastIntent();
        SessionState next = state.next(keptIntent, turn.language.code(), slots,
                new SessionState.TurnRecord(state.turns() + 1, decision.intent, turn.text), clock.millis());
        store.save(next).whenComplete((outcome, saveError) -> {
            if (saveError != null) {
                fail(turn, start, saveError, result);
            } else if (outcome == SaveOutcome.SAVED) {
                result.complete(new Reply(answer, decision.intent, decision.confidence, slots, decision.source,
                        decision.reason, decision.choices, decision.degraded, turn.language, turn.request.sessionId(),
                        next.turns(), Duration.ofNanos(System.nanoTime() - start)));
            } else if (attempt >= MAX_SAVE_ATTEMPTS) {
                result.completeExceptionally(new ConcurrentSessionUpdateException(turn.request.sessionId(), attempt));
            } else if (attempt < 3) {
                // another turn of this session saved first: re-apply this turn on top of it
                attempt(turn, start, attempt + 1, result);
            } else {
                // still contended: back off a random moment so that the writers stop colliding
                long delayMicros = ThreadLocalRandom.current().nextLong(100, 1000L * (attempt - 1));
                timers.schedule(() -> attempt(turn, start, attempt + 1, result), delayMicros, TimeUnit.MICROSECONDS);
            }
        });
    }

    /** A busy store gives the busy reply (turn not applied); anything else fails the turn. */
    private void fail(Turn turn, long start, Throwable error, CompletableFuture<Reply> result) {
        Throwable cause = unwrap(error);
        if (cause instanceof StoreBusyException) {
            result.complete(busyReply(turn, start));
        } else {
            result.completeExceptionally(cause);
        }
    }

    private Reply busyReply(Turn turn, long start) {
        String text = fallback.reply(new Fallback.Context(FallbackReason.STORE_BUSY, turn.language, turn.text,
                List.of(), turn.rt.knowledgeBase));
        return new Reply(text, null, 0, Map.of(), Source.FALLBACK, FallbackReason.STORE_BUSY, List.of(), true,
                turn.language, turn.request.sessionId(), 0, Duration.ofNanos(System.nanoTime() - start));
    }

    /** Session slots, then host attributes for slots not yet known, then what the user just said. */
    private static Map<String, String> mergeSlots(Turn turn, SessionState state) {
        Map<String, String> attributes = turn.request.attributes();
        Map<String, String> said = turn.extraction.slots();
        if (attributes.isEmpty() && said.isEmpty()) {
            return state.slots();
        }
        Map<String, String> slots = new LinkedHashMap<>(state.slots());
        attributes.forEach(slots::putIfAbsent);
        slots.putAll(said);
        return slots;
    }

    private CompletableFuture<Decision> decide(Turn turn, SessionState state) {
        KnowledgeBase kb = turn.rt.knowledgeBase;
        if (turn.request.choice() != null) {
            return CompletableFuture.completedFuture(
                    new Decision(turn.request.choice(), 1.0, Source.CHOICE, null, List.of(), false));
        }
        String previous = state.lastIntent();
        boolean canContinue = previous != null && kb.intents().containsKey(previous);
        if (turn.extraction.slotOnly() && canContinue) {
            return CompletableFuture.completedFuture(new Decision(previous, 1.0, Source.CONTEXT, null, List.of(), false));
        }
        // classified once per turn, whatever the number of save attempts
        if (turn.classified == null) {
            turn.classified = classify(turn);
        }
        return turn.classified.thenApply(d -> {
            // a low-confidence turn that names a slot value is most likely about the current topic
            if (d.intent == null && d.reason != FallbackReason.CLASSIFIER_UNAVAILABLE && canContinue
                    && !turn.extraction.slots().isEmpty()) {
                return new Decision(previous, d.confidence, Source.CONTEXT, null, List.of(), d.degraded);
            }
            return d;
        });
    }

    private CompletableFuture<Decision> classify(Turn turn) {
        Runtime rt = turn.rt;
        ClassifierInput input = new ClassifierInput(turn.text, turn.normalized, turn.language);
        long deadline = System.nanoTime() + deadlineNanos;
        CachedClassification cached = rt.cache.getIfPresent(turn.normalized);
        if (cached != null && cached.version.equals(rt.primary.version())) {
            return CompletableFuture.completedFuture(
                    policy(rt.knowledgeBase, cached.classification, Source.CACHE, false, turn.language));
        }
        return runClassifier(rt.primary, input, deadline, turn, true).thenCompose(result -> {
            if (result != null) {
                rt.cache.put(turn.normalized, new CachedClassification(result, rt.primary.version()));
                return CompletableFuture.completedFuture(
                        policy(rt.knowledgeBase, result, rt.primary.source(), false, turn.language));
            }
            if (rt.secondary == null) {
                return CompletableFuture.completedFuture(UNAVAILABLE);
            }
            return runClassifier(rt.secondary, input, deadline, turn, false).thenApply(secondary -> secondary == null
                    ? UNAVAILABLE : policy(rt.knowledgeBase, secondary, rt.secondary.source(), true, turn.language));
        });
    }

    private static final Decision UNAVAILABLE =
            new Decision(null, 0, Source.FALLBACK, FallbackReason.CLASSIFIER_UNAVAILABLE, List.of(), true);

    /** The classification, or null when the classifier failed or missed the deadline. */
    private CompletableFuture<@Nullable Classification> runClassifier(IntentClassifier classifier,
            ClassifierInput input, long deadline, Turn turn, boolean primary) {
        if (classifier.isNonBlocking()) {
            try {
                return CompletableFuture.completedFuture(classifier.classify(input));
            } catch (RuntimeException e) {
                return CompletableFuture.completedFuture(classifierFailed(classifier, e, turn, primary));
            }
        }
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            return CompletableFuture.completedFuture(classifierTimedOut(classifier, turn, primary));
        }
        CompletableFuture<Classification> future;
        try {
            future = classifier.classifyAsync(input, executor);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(classifierFailed(classifier, e, turn, primary));
        }
        CompletableFuture<@Nullable Classification> bounded = new CompletableFuture<>();
        future.whenComplete((c, e) -> {
            if (e == null) {
                bounded.complete(c);
            } else if (!bounded.isDone()) {
                bounded.complete(classifierFailed(classifier, unwrap(e), turn, primary));
            }
        });
        ScheduledFuture<?> timer = timers.schedule(() -> {
            if (!bounded.isDone() && bounded.complete(classifierTimedOut(classifier, turn, primary))) {
                future.cancel(true);
            }
        }, remaining, TimeUnit.NANOSECONDS);
        // an answer in time cancels its timer, so that timers do not pile up under load
        bounded.whenComplete((c, e) -> timer.cancel(false));
        return bounded;
    }

    private @Nullable Classification classifierTimedOut(IntentClassifier classifier, Turn turn, boolean primary) {
        metrics.recordClassifierTimeout();
        if (primary) {
            turn.primaryTimedOut = true;
        }
        LOG.debug("classifier {} missed the {} ms deadline", classifier.name(), deadlineNanos / 1_000_000);
        return null;
    }

    private @Nullable Classification classifierFailed(IntentClassifier classifier, Throwable cause, Turn turn,
            boolean primary) {
        metrics.recordClassifierError();
        if (primary) {
            turn.primaryFailed = true;
        }
        LOG.warn("classifier {} failed: {}", classifier.name(), cause.toString());
        return null;
    }

    /** Threshold and margin: answer, ask which one, or fall back. */
    private static Decision policy(KnowledgeBase kb, Classification c, Source source, boolean degraded,
            Language language) {
        ScoredIntent top = c.top();
        if (top == null || !kb.intents().containsKey(top.intent())) {
            return new Decision(null, top == null ? 0 : top.score(), Source.FALLBACK, FallbackReason.OUT_OF_SCOPE,
                    List.of(), degraded);
        }
        double threshold = kb.settings().confidenceThreshold();
        double margin = kb.settings().clarifyMargin();
        ScoredIntent second = c.second();
        boolean close = second != null && kb.intents().containsKey(second.intent())
                && top.score() - second.score() < margin;
        if (top.score() >= threshold && !(close && top.score() < threshold + margin)) {
            return new Decision(top.intent(), top.score(), source, null, List.of(), degraded);
        }
        if (close && second.score() >= threshold / 2) {
            List<Choice> choices = new ArrayList<>(3);
            for (ScoredIntent s : c.ranked()) {
                if (choices.size() == 3 || top.score() - s.score() >= margin) {
                    break;
                }
                kb.intent(s.intent()).ifPresent(i -> choices.add(new Choice(i.id(), i.title().in(language))));
            }
            return new Decision(null, top.score(), Source.FALLBACK, FallbackReason.AMBIGUOUS, choices, degraded);
        }
        return new Decision(null, top.score(), Source.FALLBACK, FallbackReason.LOW_CONFIDENCE, List.of(), degraded);
    }

    private Optional<SessionState> ownedSession(String userId, String sessionId) {
        ensureOpen();
        validator.validateIds(userId, sessionId);
        Optional<SessionState> state = join(store.loadFresh(sessionId));
        if (state.isPresent() && !state.get().userId().equals(userId)) {
            metrics.recordRefused();
            throw new SessionAccessDeniedException(sessionId);
        }
        return state;
    }

    private static RuntimeException unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof RuntimeException) {
            return (RuntimeException) cause;
        }
        if (cause instanceof Error) {
            throw (Error) cause;
        }
        return new IvbotException("turn failed: " + cause, cause);
    }

    private static <T> T join(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException) {
                throw (RuntimeException) e.getCause();
            }
            throw new IvbotException("session store failed: " + e.getCause(), e.getCause());
        }
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new EngineClosedException();
        }
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private record CachedClassification(Classification classification, String version) {}

    /** Everything derived from one KB; swapped as a whole on reload. */
    private static final class Runtime {
        final KnowledgeBase knowledgeBase;
        final SlotExtractor slotExtractor;
        final IntentClassifier primary;
        final @Nullable IntentClassifier secondary;
        final Cache<String, CachedClassification> cache;

        Runtime(KnowledgeBase kb, IntentClassifier primary, @Nullable IntentClassifier secondary, long cacheSize) {
            this.knowledgeBase = kb;
            this.slotExtractor = new SlotExtractor(kb);
            this.primary = primary;
            this.secondary = secondary;
            this.cache = Caffeine.newBuilder().maximumSize(cacheSize).executor(Runnable::run).build();
        }
    }

    // ------------------------------------------------------------------ builder

    /**
     * Options for a {@link DialogEngine}. Each setter checks its argument and names it in the
     * exception. {@link #build()} leaves the builder reusable. Not thread-safe.
     */
    public static final class Builder {
        private @Nullable KnowledgeBase knowledgeBase;
        private @Nullable ClassifierSpec primary;
        private @Nullable ClassifierSpec secondary;
        private @Nullable SessionStore store;
        private Fallback fallback = Fallback.fromKnowledgeBase();
        private final List<TurnListener> listeners = new ArrayList<>();
        private Duration deadline = DEFAULT_CLASSIFIER_DEADLINE;
        private int maxTextLength = InputValidator.DEFAULT_MAX_TEXT_LENGTH;
        private InstantSource clock = InstantSource.system();
        private long cacheSize = 10_000;
        private double failureThreshold = DEFAULT_FAILURE_ALARM_THRESHOLD;
        private Duration failureWindow = DEFAULT_FAILURE_WINDOW;
        private long failureMinimumTurns = 20;
        private FailureAlarmListener alarmListener = (raised, rate, turns) -> { };

        private Builder() {}

        /** The knowledge base (required). */
        public Builder knowledgeBase(KnowledgeBase knowledgeBase) {
            this.knowledgeBase = Objects.requireNonNull(knowledgeBase, "knowledgeBase");
            return this;
        }

        /** The primary classifier (required). The engine owns it from {@link #build()} on. */
        public Builder primaryClassifier(IntentClassifier classifier) {
            Objects.requireNonNull(classifier, "classifier");
            this.primary = kb -> classifier;
            return this;
        }

        /** A primary classifier built from the knowledge base, e.g. {@code RuleClassifier.factory()}. */
        public Builder primaryClassifier(ClassifierSpec factory) {
            this.primary = Objects.requireNonNull(factory, "factory");
            return this;
        }

        /** The classifier that answers when the primary misses its deadline or fails (optional). */
        public Builder secondaryClassifier(IntentClassifier classifier) {
            Objects.requireNonNull(classifier, "classifier");
            this.secondary = kb -> classifier;
            return this;
        }

        /** A secondary classifier built from the knowledge base. */
        public Builder secondaryClassifier(ClassifierSpec factory) {
            this.secondary = Objects.requireNonNull(factory, "factory");
            return this;
        }

        /** Where sessions live; default {@link SessionStore#inMemory()}. The engine owns it. */
        public Builder sessionStore(SessionStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /** What answers when the KB cannot; default {@link Fallback#fromKnowledgeBase()}. */
        public Builder fallback(Fallback fallback) {
            this.fallback = Objects.requireNonNull(fallback, "fallback");
            return this;
        }

        /** Adds a listener told about every turn, off the reply's path. */
        public Builder listener(TurnListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** Time a blocking classifier has before the next one answers; default 200 ms. */
        public Builder classifierDeadline(Duration deadline) {
            Objects.requireNonNull(deadline, "deadline");
            if (deadline.isNegative() || deadline.isZero()) {
                throw new IllegalArgumentException("deadline must be positive, was " + deadline);
            }
            this.deadline = deadline;
            return this;
        }

        /** Longest accepted question, in characters (code points); default 500. */
        public Builder maxTextLength(int maxTextLength) {
            if (maxTextLength < 1 || maxTextLength > 100_000) {
                throw new IllegalArgumentException("maxTextLength must be from 1 to 100000, was " + maxTextLength);
            }
            this.maxTextLength = maxTextLength;
            return this;
        }

        /** The wall clock for session timestamps and the failure window; tests inject one. */
        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Entries of the classification cache (normalised text to result); 0 disables it. */
        public Builder classificationCacheSize(long size) {
            if (size < 0) {
                throw new IllegalArgumentException("size must not be negative, was " + size);
            }
            this.cacheSize = size;
            return this;
        }

        /**
         * The failure-rate alarm: when fallbacks plus errors exceed {@code threshold} of the turns in
         * {@code window} (with at least 20 turns in it), {@code listener} is told, once per crossing.
         */
        public Builder failureAlarm(double threshold, Duration window, FailureAlarmListener listener) {
            if (!(threshold > 0 && threshold < 1)) {
                throw new IllegalArgumentException("threshold must be between 0 and 1, was " + threshold);
            }
            Objects.requireNonNull(window, "window");
            if (window.toMillis() < 10) {
                throw new IllegalArgumentException("window must be at least 10 ms, was " + window);
            }
            this.failureThreshold = threshold;
            this.failureWindow = window;
            this.alarmListener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        public DialogEngine build() {
            if (knowledgeBase == null) {
                throw new IllegalStateException("knowledgeBase is required");
            }
            if (primary == null) {
                throw new IllegalStateException("primaryClassifier is required");
            }
            IntentClassifier p = primary.create(knowledgeBase);
            IntentClassifier s = secondary == null ? null : secondary.create(knowledgeBase);
            return new DialogEngine(this, p, s);
        }
    }

    /** Builds a classifier for a knowledge base; {@code RuleClassifier.factory()} is one. */
    @FunctionalInterface
    public interface ClassifierSpec {
        IntentClassifier create(KnowledgeBase knowledgeBase);
    }
}
