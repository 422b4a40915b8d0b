package dev.ivbot;

import dev.ivbot.internal.ClassifierChain;
import dev.ivbot.internal.ClassifierTrace;
import dev.ivbot.internal.ContextReader;
import dev.ivbot.internal.DialogPolicy;
import dev.ivbot.internal.EngineRuntime;
import dev.ivbot.internal.DialogPolicy.Decision;
import dev.ivbot.internal.FailureRateMonitor;
import dev.ivbot.internal.InputValidator;
import dev.ivbot.internal.ListenerDispatcher;
import dev.ivbot.internal.SessionKeys;
import dev.ivbot.internal.SlotExtractor;
import dev.ivbot.internal.runtime.DaemonThreads;
import dev.ivbot.kb.Intent;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.spi.Classification;
import dev.ivbot.spi.ClassifierStatus;
import dev.ivbot.spi.StoreHealth;
import dev.ivbot.spi.ClassifierInput;
import dev.ivbot.spi.Fallback;
import dev.ivbot.spi.FailureAlarmListener;
import dev.ivbot.spi.IntentClassifier;
import dev.ivbot.spi.SaveOutcome;
import dev.ivbot.spi.SessionState;
import dev.ivbot.spi.SessionStore;
import dev.ivbot.spi.TurnEvent;
import dev.ivbot.spi.TurnListener;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * on timeout or error); apply the dialog policy (a bare slot value keeps the previous intent; a
 * follow-up read together with the topic's question stays on the topic, see {@link ContextReading};
 * low confidence or out of scope goes to the {@link Fallback}); pick the most specific answer; save
 * the session with a compare-and-set, re-applying the turn if another turn saved first; notify
 * listeners off the reply's path.
 *
 * <p><b>Sessions belong to users by construction.</b> The client chooses the session id, but the
 * engine never hands that id to the {@link SessionStore} as it is: it stores the session under
 * {@link #storeSessionId(String, String)}, which is derived from the user and the id. Another user
 * who sends the same id therefore reaches a session of their own: they can neither take an id
 * first and lock its owner out, nor learn which ids exist from a refusal. The check that the
 * loaded session's {@link SessionState#userId()} is the caller stays as a second line of defence
 * (it can only trip if two users' hashes collide, or a store hands back the wrong session).
 * Everything outside the store keeps the client's id: {@link Reply#sessionId()},
 * {@link #session}, {@link #touch}, {@link #endSession} and the exceptions take and name it.
 *
 * <p>Thread-safe: share one engine across all request threads. {@link #close()} closes what the
 * engine created (see {@link Builder} for who owns what), nothing that was handed to it.
 */
public final class DialogEngine implements AutoCloseable {

    /** Default time a classifier has before the next one answers. */
    public static final Duration DEFAULT_CLASSIFIER_DEADLINE = Duration.ofMillis(200);

    /** Default reading of a follow-up in the context of its topic (docs/evaluation.md, Dialogs). */
    public static final ContextReading DEFAULT_CONTEXT_READING = ContextReading.COMPOSED;
    /** Default alarm threshold of the failure rate. */
    public static final double DEFAULT_FAILURE_ALARM_THRESHOLD = 0.05;
    /** Default sliding window of the failure rate. */
    public static final Duration DEFAULT_FAILURE_WINDOW = Duration.ofSeconds(60);
    /** How often a turn is re-applied when other turns of its session keep saving first. */
    public static final int MAX_SAVE_ATTEMPTS = 16;

    private static final Logger LOG = LoggerFactory.getLogger(DialogEngine.class);
    /** The id checks of {@link #storeSessionId}, which do not depend on an engine's text limit. */
    private static final InputValidator ID_CHECK = new InputValidator(InputValidator.DEFAULT_MAX_TEXT_LENGTH);

    private volatile EngineRuntime runtime;
    private final @Nullable ClassifierSpec primarySpec;
    private final @Nullable ClassifierSpec secondarySpec;
    private volatile EngineHealth.@Nullable RefusedReload lastRefusedReload;
    private final SessionStore store;
    private final boolean ownsStore;
    private final Fallback fallback;
    private final InputValidator validator;
    private final InstantSource clock;
    /** Blocking classifiers' calls; the engine's own pool unless the host gave one ({@link Builder#executor}). */
    private final ExecutorService executor;
    private final boolean ownsExecutor;
    /**
     * Classifier deadlines and save backoffs; by default one thread of the engine's, since a task only
     * completes a future or issues a call (the host may give its own, {@link Builder#scheduler}).
     */
    private final ScheduledExecutorService timers;
    private final boolean ownsTimers;
    private final ListenerDispatcher listeners;
    private final EngineMetrics metrics;
    private final long cacheSize;
    private final ClassifierChain classifiers;
    private final ContextReader contextReader;
    private final AtomicBoolean closed = new AtomicBoolean();

    private DialogEngine(Builder b, EngineRuntime runtime) {
        this.primarySpec = Objects.requireNonNull(b.primary, "checked by build()").spec;
        this.secondarySpec = b.secondary == null ? null : b.secondary.spec;
        this.ownsStore = b.store == null;
        this.store = b.store != null ? b.store : SessionStore.inMemory(SessionStore.DEFAULT_TTL, 1_000_000, b.clock);
        this.fallback = b.fallback;
        this.validator = new InputValidator(b.maxTextLength);
        this.clock = b.clock;
        this.ownsExecutor = b.executor == null;
        this.executor = b.executor != null ? b.executor
                : Executors.newCachedThreadPool(DaemonThreads.numbered("ivbot-engine-"));
        this.ownsTimers = b.scheduler == null;
        if (b.scheduler != null) {
            this.timers = b.scheduler;
        } else {
            ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, DaemonThreads.numbered("ivbot-timer-"));
            scheduler.setRemoveOnCancelPolicy(true);
            this.timers = scheduler;
        }
        this.listeners = new ListenerDispatcher(b.listeners, 8192);
        FailureAlarmListener alarm = b.alarmListener;
        this.metrics = new EngineMetrics(new FailureRateMonitor(b.clock, b.failureWindow, b.failureThreshold,
                b.failureMinimumTurns, alarm::onCrossing), new FailureRateMonitor(b.clock, b.failureWindow,
                b.failureThreshold, b.failureMinimumTurns, (raised, rate, turns) -> { }));
        this.cacheSize = b.cacheSize;
        this.classifiers = new ClassifierChain(executor, timers, b.deadline.toNanos(), metrics::recordClassifierTimeout,
                metrics::recordClassifierError);
        this.contextReader = new ContextReader(b.contextReading, executor, b.deadline.toNanos());
        this.runtime = runtime;
    }

    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------ API

    /**
     * Answers one turn and updates the session.
     *
     * @throws InvalidInputException if the request breaks a limit (nothing is read or stored)
     * @throws SessionAccessDeniedException if the stored session belongs to another user (nothing
     *     changes); since sessions are stored per user this only happens on a hash collision
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
        EngineRuntime rt = null;
        try {
            ensureOpen();
            Objects.requireNonNull(request, "request");
            rt = acquireRuntime();
            InputValidator.ValidText text = validator.validate(request, rt.knowledgeBase());
            turn = new Turn(rt, request, text);
        } catch (InvalidInputException e) {
            if (rt != null) {
                rt.release();
            }
            metrics.recordRefused();
            return CompletableFuture.failedFuture(e);
        } catch (RuntimeException e) {
            if (rt != null) {
                rt.release();
            }
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Reply> result = new CompletableFuture<>();
        try {
            attempt(turn, start, 1, result);
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
        return result.whenComplete((reply, error) -> {
            turn.rt.release();
            if (turn.trace.primaryAsked()) {
                metrics.recordPrimaryOutcome(turn.trace.primaryTimedOut() || turn.trace.primaryFailed());
            }
            if (reply != null) {
                metrics.recordReply(reply, System.nanoTime() - start);
                listeners.publish(turnEvent(turn, reply, null));
                return;
            }
            Throwable cause = unwrap(error);
            if (cause instanceof SessionAccessDeniedException) {
                metrics.recordRefused();
            } else {
                metrics.recordError();
            }
            listeners.publish(turnEvent(turn, null, cause));
        });
    }

    private static TurnEvent turnEvent(Turn turn, @Nullable Reply reply, @Nullable Throwable error) {
        Classification c = turn.trace.classification();
        return new TurnEvent(turn.request.userId(), reply, error, turn.trace.primaryTimedOut(), turn.trace.primaryFailed(),
                turn.request.sessionId(), turn.text, c == null ? List.of() : c.ranked(),
                c == null ? null : c.modelVersion(), turn.rt.knowledgeBase().fingerprint());
    }

    /**
     * Renews the TTL of this user's session (a chat page heartbeats while open).
     *
     * @return false if the user has no session of that id (expired, never opened, or another
     *     user's id: that is a different session)
     * @throws SessionAccessDeniedException if the stored session belongs to another user (a hash collision)
     */
    public boolean touch(String userId, String sessionId) {
        String storeId = openStoreId(userId, sessionId);
        Optional<SessionState> state = ownedSession(userId, sessionId, storeId);
        return state.isPresent() && join(store.touch(storeId));
    }

    /**
     * Ends this user's session: its state is deleted.
     *
     * @return false if the user had no session of that id
     * @throws SessionAccessDeniedException if the stored session belongs to another user (a hash collision)
     */
    public boolean endSession(String userId, String sessionId) {
        String storeId = openStoreId(userId, sessionId);
        Optional<SessionState> state = ownedSession(userId, sessionId, storeId);
        return state.isPresent() && join(store.delete(storeId));
    }

    /**
     * This user's session as stored, for display or debugging. Its {@link SessionState#sessionId()}
     * is the client's {@code sessionId}, not the id the store keeps it under.
     *
     * @throws SessionAccessDeniedException if the stored session belongs to another user (a hash collision)
     */
    public Optional<SessionState> session(String userId, String sessionId) {
        return ownedSession(userId, sessionId, openStoreId(userId, sessionId)).map(s -> withSessionId(s, sessionId));
    }

    /**
     * The id the engine stores this user's session under: {@code <u>:<sessionId>}, where {@code u}
     * is the first 16 hex digits (64 bits) of the SHA-256 of the user id; a session id longer than
     * 111 characters is replaced by the first 32 hex digits of its own SHA-256 after a dot,
     * {@code <u>.<hash>}, so that the result always fits the id limit of 128 characters and the
     * id alphabet (letters, digits, {@code . _ - : @}; no braces, so the Redis store's hash tag
     * {@code ivbot:{<id>}} holds all of it). A hash rather than the user id itself keeps the
     * length bounded and the two parts unambiguous (a user id may contain {@code :}).
     *
     * <p>For operators and tests that look a session up in the store; the engine's own API takes
     * the client's id. Deterministic across engines, processes and versions that share a store.
     *
     * @throws InvalidInputException if either id breaks the id limits
     */
    public static String storeSessionId(String userId, String sessionId) {
        ID_CHECK.validateIds(userId, sessionId);
        return SessionKeys.storeId(userId, sessionId);
    }

    /**
     * Swaps in a new knowledge base atomically: turns in flight finish with the old one, later
     * turns use the new one. The classifiers the engine built from a {@link ClassifierSpec} are
     * built anew from the spec for the new KB first (if that fails, nothing changes and the exception
     * is thrown); the old ones close once no turn uses them. A classifier instance handed to the
     * builder is kept as it is.
     */
    public void reloadKnowledgeBase(KnowledgeBase knowledgeBase) {
        ensureOpen();
        Objects.requireNonNull(knowledgeBase, "knowledgeBase");
        synchronized (this) {
            long start = System.nanoTime();
            EngineRuntime old = runtime;
            runtime = EngineRuntime.create(knowledgeBase, primarySpec, old.primary(), secondarySpec, old.secondary(), cacheSize);
            old.release();
            LOG.info("knowledge base reloaded in {} ms: {}", (System.nanoTime() - start) / 1_000_000, knowledgeBase);
        }
    }

    /**
     * Loads the KB folder (or file) and swaps it in as {@link #reloadKnowledgeBase(KnowledgeBase)}
     * does. A KB that does not load changes nothing: the refusal (with file and line) is kept for
     * {@link #health()} and thrown.
     *
     * @throws dev.ivbot.kb.KnowledgeBaseException if the KB does not load
     */
    public void reloadKnowledgeBase(java.nio.file.Path folder) {
        ensureOpen();
        Objects.requireNonNull(folder, "folder");
        KnowledgeBase kb;
        try {
            kb = KnowledgeBase.load(folder);
        } catch (dev.ivbot.kb.KnowledgeBaseException e) {
            lastRefusedReload = new EngineHealth.RefusedReload(clock.instant(), String.valueOf(e.getMessage()));
            throw e;
        }
        reloadKnowledgeBase(kb);
    }

    /** The engine's health now; see {@link EngineHealth} for what each status means. */
    public EngineHealth health() {
        EngineRuntime rt = runtime;
        StoreHealth storeHealth = store.health();
        ClassifierStatus primary = closed.get()
                ? new ClassifierStatus(false, "closed", null, false, null) : rt.primary().status();
        List<String> problems = new ArrayList<>();
        if (!storeHealth.accepting()) {
            problems.add("session store not accepting turns: " + storeHealth.description());
        } else if (!storeHealth.reachable()) {
            problems.add("session store failing over, absorbed by its buffer: " + storeHealth.description());
        }
        if (!primary.serving()) {
            problems.add("primary classifier " + rt.primary().name() + " is not serving (" + primary.version() + ")");
        }
        if (metrics.primaryMissAlarmRaised()) {
            problems.add(String.format(java.util.Locale.ROOT,
                    "primary classifier failed or missed its deadline on %.1f%% of recent turns",
                    metrics.primaryMissRate() * 100));
        }
        if (metrics.failureAlarmRaised()) {
            problems.add(String.format(java.util.Locale.ROOT, "failure-rate alarm raised: %.1f%% of recent turns failed",
                    metrics.failureRate() * 100));
        }
        EngineHealth.Status status = closed.get() || !storeHealth.accepting() ? EngineHealth.Status.DOWN
                : problems.isEmpty() ? EngineHealth.Status.UP : EngineHealth.Status.DEGRADED;
        return new EngineHealth(status, problems, storeHealth, primary, rt.knowledgeBase().name(),
                rt.knowledgeBase().fingerprint(), rt.knowledgeBase().intents().size(), lastRefusedReload,
                metrics.failureRate(), metrics.primaryMissRate());
    }

    /** The knowledge base in force. */
    public KnowledgeBase knowledgeBase() {
        return runtime.knowledgeBase();
    }

    /** The primary classifier in force. */
    public IntentClassifier primaryClassifier() {
        return runtime.primary();
    }

    /** The session store. */
    public SessionStore sessionStore() {
        return store;
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed.get();
    }

    /** Counters about the turns served so far. */
    public EngineMetrics metrics() {
        return metrics;
    }

    /**
     * Closes what the engine created: the listener thread, its default executor and scheduler, the
     * classifiers it built from specs (once the turns in flight are done with them) and the default
     * in-memory store. Classifiers, a store, an executor and a scheduler handed to the builder stay
     * open: their creator closes them. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        listeners.close();
        if (ownsExecutor) {
            executor.shutdownNow();
        }
        if (ownsTimers) {
            // delayed tasks still run after shutdown(): a turn waiting on a deadline or a backoff ends
            timers.shutdown();
        }
        synchronized (this) {
            runtime.release();
        }
        if (ownsStore) {
            store.close();
        }
    }

    /** The runtime in force with a reference taken; retried if a reload retired it in between. */
    private EngineRuntime acquireRuntime() {
        while (true) {
            EngineRuntime rt = runtime;
            if (rt.retain()) {
                return rt;
            }
            ensureOpen();
        }
    }

    // ------------------------------------------------------------------ one turn

    /** What one turn computes once, whatever number of save attempts it takes. */
    private static final class Turn {
        final EngineRuntime rt;
        final ChatRequest request;
        final String text;
        final String normalized;
        final Language language;
        final SlotExtractor.Extraction extraction;
        /** Where the session lives in the store; see {@link DialogEngine#storeSessionId}. */
        final String storeId;
        @Nullable CompletableFuture<Decision> classified;
        final ClassifierTrace trace = new ClassifierTrace();

        Turn(EngineRuntime rt, ChatRequest request, InputValidator.ValidText valid) {
            this.rt = rt;
            this.request = request;
            this.text = valid.text();
            this.normalized = valid.normalized();
            this.language = Language.detect(valid.text());
            this.extraction = rt.slotExtractor().extract(normalized);
            this.storeId = SessionKeys.storeId(request.userId(), request.sessionId());
        }
    }

    /** One load-decide-save attempt; a save conflict starts the next attempt on the fresh state. */
    private void attempt(Turn turn, long start, int attempt, CompletableFuture<Reply> result) {
        String storeId = turn.storeId;
        String userId = turn.request.userId();
        store.load(storeId).whenComplete((stored, loadError) -> {
            if (loadError != null) {
                fail(turn, start, loadError, result);
                return;
            }
            try {
                SessionState state = stored.orElseGet(() -> SessionState.empty(storeId, userId, clock.millis()));
                if (!state.userId().equals(userId)) {
                    throw new SessionAccessDeniedException(turn.request.sessionId());
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
        String chosen = decision.intent();
        if (chosen != null) {
            Intent intent = turn.rt.knowledgeBase().intent(chosen).orElseThrow(
                    () -> new IllegalStateException("the policy chose intent " + chosen + ", which the KB lacks"));
            answer = intent.answerFor(slots).text().in(turn.language);
        } else {
            answer = fallback.reply(new Fallback.Context(decision.requireReason(), turn.language, turn.text,
                    decision.choices(), turn.rt.knowledgeBase()));
        }
        String keptIntent = decision.intent() != null ? decision.intent() : state.lastIntent();
        SessionState next = state.next(keptIntent, turn.language.code(), slots,
                new SessionState.TurnRecord(state.turns() + 1, decision.intent(), turn.text), clock.millis());
        store.save(next).whenComplete((outcome, saveError) -> {
            if (saveError != null) {
                fail(turn, start, saveError, result);
            } else if (outcome == SaveOutcome.SAVED) {
                result.complete(new Reply(answer, decision.intent(), decision.confidence(), slots, decision.source(),
                        decision.reason(), decision.choices(), decision.degraded(), turn.language, turn.request.sessionId(),
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
                List.of(), turn.rt.knowledgeBase()));
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
        KnowledgeBase kb = turn.rt.knowledgeBase();
        if (turn.request.choice() != null) {
            return CompletableFuture.completedFuture(
                    new Decision(turn.request.choice(), 1.0, Source.CHOICE, null, List.of(), false));
        }
        if (!DialogPolicy.hasWords(turn.normalized) && !turn.rt.isWordlessExample(turn.normalized)) {
            return CompletableFuture.completedFuture(
                    new Decision(null, 0, Source.FALLBACK, FallbackReason.OUT_OF_SCOPE, List.of(), false));
        }
        DialogPolicy.Context context = DialogPolicy.Context.of(state, kb);
        if (turn.extraction.slotOnly()) {
            String continued = DialogPolicy.slotFollowUp(context, state.recentTurns(), turn.extraction.slots(), kb);
            if (continued != null) {
                return CompletableFuture.completedFuture(
                        new Decision(continued, 1.0, Source.CONTEXT, null, List.of(), false));
            }
        }
        ClassifierInput input = new ClassifierInput(turn.text, turn.normalized, turn.language, context.topic(),
                context.slots(), context.topicQuestion(), turn.request.userId());
        // classified once per turn, whatever the number of save attempts
        if (turn.classified == null) {
            turn.classified = classifiers.classify(turn.rt, input, turn.trace);
        }
        return turn.classified.thenCompose(alone -> contextReader.weigh(turn.rt, context, alone, input)).thenApply(d -> {
            // a low-confidence turn that names a slot value is most likely about the current topic
            if (d.intent() == null && d.reason() != FallbackReason.CLASSIFIER_UNAVAILABLE && context.topic() != null
                    && !turn.extraction.slots().isEmpty()) {
                return new Decision(context.topic(), d.confidence(), Source.CONTEXT, null, List.of(), d.degraded());
            }
            return d;
        });
    }

    /** A closed engine says so before it judges the ids. */
    private String openStoreId(String userId, String sessionId) {
        ensureOpen();
        return storeSessionId(userId, sessionId);
    }

    private Optional<SessionState> ownedSession(String userId, String sessionId, String storeId) {
        Optional<SessionState> state = join(store.loadFresh(storeId));
        if (state.isPresent() && !state.get().userId().equals(userId)) {
            metrics.recordRefused();
            throw new SessionAccessDeniedException(sessionId);
        }
        return state;
    }

    private static SessionState withSessionId(SessionState s, String sessionId) {
        return s.toBuilder().sessionId(sessionId).build();
    }

    private static RuntimeException unwrap(Throwable error) {
        Throwable cause = ClassifierChain.cause(error);
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

    // ------------------------------------------------------------------ builder

    /**
     * Options for a {@link DialogEngine}. Each setter checks its argument and names it in the
     * exception. Each setter but {@link #listener} may be called once: a second call is a mistake
     * (two parts of a set-up disagreeing), not an override, and throws {@link IllegalStateException}
     * naming the setter; {@code primaryClassifier} and {@code secondaryClassifier} count as one setter
     * each whichever overload is used. {@link #listener} adds, and may be called any number of times.
     * {@link #build()} leaves the builder reusable. Not thread-safe.
     *
     * <p><b>Ownership: whoever creates a resource closes it, and nothing else does.</b>
     * <ul>
     *   <li>A classifier given as a {@link ClassifierSpec} (e.g. {@code RuleClassifier.factory()}) is
     *       built by the engine, which owns and closes it. Each {@link #build()} and each KB reload
     *       builds new instances from the spec; the old ones close once no turn uses them. A spec that
     *       returns an instance an engine already owns is refused with {@link IllegalStateException},
     *       so two engines built from one builder never share an owned classifier.</li>
     *   <li>A classifier given as an instance stays the caller's: the engine never closes it and
     *       keeps it across KB reloads (a model with its own lifecycle). Close it after the engine.</li>
     *   <li>A session store given to {@link #sessionStore} stays the caller's too; the default
     *       in-memory store is the engine's.</li>
     *   <li>An {@link #executor} or {@link #scheduler} given here stays the caller's: the engine never
     *       shuts it down. The default pools are the engine's, shut down by {@link DialogEngine#close()}.</li>
     * </ul>
     */
    public static final class Builder {
        private @Nullable KnowledgeBase knowledgeBase;
        private @Nullable Binding primary;
        private @Nullable Binding secondary;
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
        private ContextReading contextReading = DEFAULT_CONTEXT_READING;
        private @Nullable ExecutorService executor;
        private @Nullable ScheduledExecutorService scheduler;
        /** The single-valued setters called so far, by name. */
        private final Set<String> set = new java.util.HashSet<>();

        private Builder() {}

        /** Throws if {@code setter} was already called; it counts as called once the caller's argument passed its checks. */
        private void once(String setter) {
            if (set.contains(setter)) {
                throw new IllegalStateException(setter + "(...) was already set; each setter of the builder but "
                        + "listener(...) may be called once");
            }
        }

        private Builder done(String setter) {
            set.add(setter);
            return this;
        }

        /** The knowledge base (required). */
        public Builder knowledgeBase(KnowledgeBase knowledgeBase) {
            once("knowledgeBase");
            this.knowledgeBase = Objects.requireNonNull(knowledgeBase, "knowledgeBase");
            return done("knowledgeBase");
        }

        /**
         * The primary classifier (required), as an instance that stays the caller's: the engine
         * neither closes it nor replaces it on a KB reload.
         */
        public Builder primaryClassifier(IntentClassifier classifier) {
            once("primaryClassifier");
            this.primary = new Binding(null, Objects.requireNonNull(classifier, "classifier"));
            return done("primaryClassifier");
        }

        /**
         * A primary classifier the engine builds from each KB it serves and closes, e.g.
         * {@code RuleClassifier.factory()}. The spec must return a new instance on each call.
         */
        public Builder primaryClassifier(ClassifierSpec factory) {
            once("primaryClassifier");
            this.primary = new Binding(Objects.requireNonNull(factory, "factory"), null);
            return done("primaryClassifier");
        }

        /** The classifier that answers when the primary misses its deadline or fails (optional); stays the caller's. */
        public Builder secondaryClassifier(IntentClassifier classifier) {
            once("secondaryClassifier");
            this.secondary = new Binding(null, Objects.requireNonNull(classifier, "classifier"));
            return done("secondaryClassifier");
        }

        /** A secondary classifier the engine builds from each KB it serves and closes. */
        public Builder secondaryClassifier(ClassifierSpec factory) {
            once("secondaryClassifier");
            this.secondary = new Binding(Objects.requireNonNull(factory, "factory"), null);
            return done("secondaryClassifier");
        }

        /** Where sessions live; default an in-memory store the engine owns. A store given here stays the caller's. */
        public Builder sessionStore(SessionStore store) {
            once("sessionStore");
            this.store = Objects.requireNonNull(store, "store");
            return done("sessionStore");
        }

        /** What answers when the KB cannot; default {@link Fallback#fromKnowledgeBase()}. */
        public Builder fallback(Fallback fallback) {
            once("fallback");
            this.fallback = Objects.requireNonNull(fallback, "fallback");
            return done("fallback");
        }

        /** Adds a listener told about every turn, off the reply's path. */
        public Builder listener(TurnListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** Time a blocking classifier has before the next one answers; default 200 ms. */
        public Builder classifierDeadline(Duration deadline) {
            once("classifierDeadline");
            Objects.requireNonNull(deadline, "deadline");
            if (deadline.isNegative() || deadline.isZero()) {
                throw new IllegalArgumentException("deadline must be positive, was " + deadline);
            }
            this.deadline = deadline;
            return done("classifierDeadline");
        }

        /** Longest accepted question, in characters (code points); default 500. */
        public Builder maxTextLength(int maxTextLength) {
            once("maxTextLength");
            if (maxTextLength < 1 || maxTextLength > 100_000) {
                throw new IllegalArgumentException("maxTextLength must be from 1 to 100000, was " + maxTextLength);
            }
            this.maxTextLength = maxTextLength;
            return done("maxTextLength");
        }

        /** The wall clock for session timestamps and the failure window; tests inject one. */
        public Builder clock(InstantSource clock) {
            once("clock");
            this.clock = Objects.requireNonNull(clock, "clock");
            return done("clock");
        }

        /** Entries of the classification cache (normalised text to result); 0 disables it. */
        public Builder classificationCacheSize(long size) {
            once("classificationCacheSize");
            if (size < 0) {
                throw new IllegalArgumentException("size must not be negative, was " + size);
            }
            this.cacheSize = size;
            return done("classificationCacheSize");
        }

        /**
         * The failure-rate alarm: when fallbacks plus errors exceed {@code threshold} of the turns in
         * {@code window} (with at least 20 turns in it), {@code listener} is told, once per crossing.
         */
        public Builder failureAlarm(double threshold, Duration window, FailureAlarmListener listener) {
            once("failureAlarm");
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
            return done("failureAlarm");
        }

        /**
         * Which classifier reads a follow-up together with the question that set the topic; default
         * {@link ContextReading#COMPOSED} (the model composes it from the two texts' embeddings, no
         * second pass; with a rules-only engine the rules read the joined text, as with
         * {@link ContextReading#FAST}).
         */
        public Builder contextReading(ContextReading contextReading) {
            once("contextReading");
            this.contextReading = Objects.requireNonNull(contextReading, "contextReading");
            return done("contextReading");
        }

        /**
         * The pool that runs the calls of blocking classifiers (those not {@link IntentClassifier#isNonBlocking()
         * non-blocking}, e.g. a model), each bounded by the {@link #classifierDeadline}: a call that misses it
         * is cancelled with an interrupt and the next classifier answers. Default a cached pool of daemon
         * threads named {@code ivbot-engine-N}, which the engine creates and shuts down on
         * {@link DialogEngine#close()}.
         *
         * <p>A pool given here (a host's shared or instrumented pool, as with Caffeine's
         * {@code Caffeine.executor}) stays the caller's: the engine never shuts it down, also not on
         * close; shut it down after the engine. Size it for the turns in flight: a call waiting in its
         * queue spends its deadline there.
         */
        public Builder executor(ExecutorService executor) {
            once("executor");
            this.executor = Objects.requireNonNull(executor, "executor");
            return done("executor");
        }

        /**
         * The timers: each blocking classifier call's deadline, and the short random backoff before a
         * turn whose session save kept colliding is re-applied. Its tasks are short (they complete a
         * future or start the next attempt), so one thread serves many turns. Default a one-thread
         * {@link ScheduledThreadPoolExecutor} of a daemon thread named {@code ivbot-timer-N}, which the
         * engine creates and shuts down on {@link DialogEngine#close()}.
         *
         * <p>A scheduler given here stays the caller's: the engine never shuts it down, also not on
         * close; shut it down after the engine. An answer in time cancels its deadline's timer; with a
         * {@link ScheduledThreadPoolExecutor}, {@code setRemoveOnCancelPolicy(true)} keeps the
         * cancelled timers from piling up in its queue under load.
         */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            once("scheduler");
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return done("scheduler");
        }

        public DialogEngine build() {
            if (knowledgeBase == null) {
                throw new IllegalStateException("knowledgeBase is required");
            }
            if (primary == null) {
                throw new IllegalStateException("primaryClassifier is required");
            }
            EngineRuntime rt = EngineRuntime.create(knowledgeBase, primary.spec, primary.instance,
                    secondary == null ? null : secondary.spec, secondary == null ? null : secondary.instance, cacheSize);
            try {
                return new DialogEngine(this, rt);
            } catch (RuntimeException | Error e) {
                rt.release();
                throw e;
            }
        }
    }

    /** A classifier given to the builder: a spec the engine builds from, or an instance that stays the caller's. */
    private record Binding(@Nullable ClassifierSpec spec, @Nullable IntentClassifier instance) {}

    /**
     * Builds a classifier for a knowledge base; {@code RuleClassifier.factory()} is one. Called on
     * {@link Builder#build()} and on every KB reload; each call must return a new instance, which the
     * engine owns and closes.
     */
    @FunctionalInterface
    public interface ClassifierSpec {
        IntentClassifier create(KnowledgeBase knowledgeBase);
    }
}
