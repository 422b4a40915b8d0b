package dev.ivbot.spring.internal;

import dev.ivbot.ChatRequest;
import dev.ivbot.Choice;
import dev.ivbot.ConcurrentSessionUpdateException;
import dev.ivbot.DialogEngine;
import dev.ivbot.EngineClosedException;
import dev.ivbot.FallbackReason;
import dev.ivbot.InvalidInputException;
import dev.ivbot.Language;
import dev.ivbot.Reply;
import dev.ivbot.SessionAccessDeniedException;
import dev.ivbot.StoreBusyException;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.security.VerifiedToken;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.ClaimAccessor;
import org.springframework.util.ClassUtils;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The chat API under {@code /api}, with the JSON of the servlet example ({@code examples/.../ApiServlet}):
 * {@code POST /api/chat} {@code {sessionId?, text, choice?}} -> the reply; {@code POST
 * /api/sessions/{id}/heartbeat} -> {@code {sessionId, alive}}; {@code DELETE /api/sessions/{id}} ->
 * {@code {sessionId, ended}}; errors {@code {code, message}}. The user is Spring Security's authenticated
 * principal ({@link Authentication#getName()}, a JWT's {@code sub} under a resource server), never the
 * body. A turn holds no request thread: the reply is written when the engine's future completes.
 * On shutdown it refuses new turns and lets those in flight finish before the engine closes (a
 * {@link SmartLifecycle} within {@code spring.lifecycle.timeout-per-shutdown-phase}). Thread-safe.
 */
@RestController
@RequestMapping("/api")
public final class ChatController implements SmartLifecycle {
    /**
     * Stops after the web server's graceful shutdown (which stops taking requests and waits for those
     * in flight) and before the web server and the engine go: any turn still running then finishes.
     */
    static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1536;

    private static final Logger LOG = LoggerFactory.getLogger(ChatController.class);
    private static final boolean CLAIMS_PRESENT =
            ClassUtils.isPresent("org.springframework.security.oauth2.core.ClaimAccessor", ChatController.class.getClassLoader());

    private final DialogEngine engine;
    private final Map<String, String> claimToSlot;
    private final Object lock = new Object();
    private int inFlight;
    private boolean running;
    private @Nullable Runnable onDrained;

    public ChatController(DialogEngine engine, Map<String, String> claimToSlot) {
        this.engine = engine;
        this.claimToSlot = Map.copyOf(claimToSlot);
    }

    /**
     * The turn's reply: a {@code ResponseEntity} when the engine has answered by the time it returns (the
     * rules, sessions in memory, a cached classification), else a {@code CompletableFuture} of it. Spring
     * MVC picks the return value handler by the value's class; a future, even a completed one, makes it
     * dispatch the request a second time, through the whole filter chain (security included).
     */
    @PostMapping("/chat")
    public Object chat(@RequestBody Map<String, Object> body,
            @RequestHeader(name = "Accept-Language", required = false) @Nullable String acceptLanguage) {
        CompletableFuture<ResponseEntity<Map<String, Object>>> reply = reply(body, acceptLanguage);
        return reply.isDone() ? reply.join() : reply;
    }

    /** The turn's reply, completed when the engine answers; never completed exceptionally. */
    public CompletableFuture<ResponseEntity<Map<String, Object>>> reply(Map<String, Object> body,
            @Nullable String acceptLanguage) {
        Language language = language(acceptLanguage);
        ChatRequest request;
        try {
            request = request(body);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(error(e, language));
        }
        if (!enter()) {
            return CompletableFuture.completedFuture(body(HttpStatus.SERVICE_UNAVAILABLE, "unavailable",
                    "the server is shutting down", Map.of()));
        }
        CompletableFuture<Reply> turn;
        try {
            turn = engine.chatAsync(request);
        } catch (RuntimeException e) {
            exit();
            throw e;
        }
        return turn.whenComplete((reply, failure) -> exit()).handle((reply, failure) -> {
            if (failure != null) {
                return error(failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure, language);
            }
            if (reply.fallbackReason() == FallbackReason.STORE_BUSY) {
                return busy(reply.text());
            }
            return ResponseEntity.ok(json(reply));
        });
    }

    private boolean enter() {
        synchronized (lock) {
            if (!running) {
                return false;
            }
            inFlight++;
            return true;
        }
    }

    private void exit() {
        Runnable drained = null;
        synchronized (lock) {
            if (--inFlight == 0 && onDrained != null) {
                drained = onDrained;
                onDrained = null;
            }
        }
        if (drained != null) {
            drained.run();
        }
    }

    @Override
    public void start() {
        synchronized (lock) {
            running = true;
        }
    }

    /** Refuses new turns; Spring's shutdown calls {@link #stop(Runnable)}, which also waits for those in flight. */
    @Override
    public void stop() {
        synchronized (lock) {
            running = false;
        }
    }

    /** Refuses new turns, and tells Spring it has stopped once the turns in flight are answered. */
    @Override
    public void stop(Runnable callback) {
        synchronized (lock) {
            running = false;
            if (inFlight > 0) {
                onDrained = callback;
                return;
            }
        }
        callback.run();
    }

    @Override
    public boolean isRunning() {
        synchronized (lock) {
            return running;
        }
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    @PostMapping("/sessions/{sessionId}/heartbeat")
    public Map<String, Object> heartbeat(@PathVariable("sessionId") String sessionId) {
        return Map.of("sessionId", sessionId, "alive", engine.touch(user().userId(), sessionId));
    }

    @DeleteMapping("/sessions/{sessionId}")
    public Map<String, Object> end(@PathVariable("sessionId") String sessionId) {
        return Map.of("sessionId", sessionId, "ended", engine.endSession(user().userId(), sessionId));
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<Map<String, Object>> malformed(HttpMessageNotReadableException e) {
        return body(HttpStatus.BAD_REQUEST, "malformed_json", "the body is not a JSON object", Map.of());
    }

    @ExceptionHandler(RuntimeException.class)
    ResponseEntity<Map<String, Object>> failed(RuntimeException e,
            @RequestHeader(name = "Accept-Language", required = false) @Nullable String acceptLanguage) {
        return error(e, language(acceptLanguage));
    }

    private ChatRequest request(Map<String, Object> body) {
        VerifiedToken user = user();
        String text = string(body, "text");
        if (text == null) {
            throw new InvalidInputException("text", "text: is missing");
        }
        String sessionId = string(body, "sessionId");
        ChatRequest request = ChatRequest.of(user.userId(), sessionId == null ? "s-" + UUID.randomUUID() : sessionId, text)
                .withAttributes(user.slotAttributesKnownTo(engine.knowledgeBase()));
        String choice = string(body, "choice");
        return choice == null ? request : request.withChoice(choice);
    }

    /** The authenticated user, with the slots its claims set; {@link Unauthenticated} when there is none. */
    private VerifiedToken user() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth == null || !auth.isAuthenticated() || auth instanceof AnonymousAuthenticationToken) {
            throw new Unauthenticated();
        }
        Map<String, String> slots = new LinkedHashMap<>();
        if (CLAIMS_PRESENT && !claimToSlot.isEmpty() && auth.getPrincipal() instanceof ClaimAccessor claims) {
            claimToSlot.forEach((claim, slot) -> {
                String value = claims.getClaimAsString(claim);
                if (value != null) {
                    slots.put(slot, value);
                }
            });
        }
        return new VerifiedToken(auth.getName(), slots, Instant.MAX);
    }

    /** ivbot's exceptions always carry a message; the class name stands in should one ever not. */
    private static String messageOf(RuntimeException e) {
        return java.util.Objects.requireNonNullElse(e.getMessage(), e.getClass().getSimpleName());
    }

    private ResponseEntity<Map<String, Object>> error(Throwable error, Language language) {
        if (error instanceof Unauthenticated) {
            return body(HttpStatus.UNAUTHORIZED, "unauthorized", "no authenticated user", Map.of());
        } else if (error instanceof InvalidInputException e) {
            return body(HttpStatus.BAD_REQUEST, "invalid_input", messageOf(e), Map.of("field", e.field()));
        } else if (error instanceof SessionAccessDeniedException e) {
            return body(HttpStatus.FORBIDDEN, "forbidden", messageOf(e), Map.of());
        } else if (error instanceof StoreBusyException || error instanceof ConcurrentSessionUpdateException) {
            return busy(engine.knowledgeBase().message(KnowledgeBase.MESSAGE_BUSY, language));
        } else if (error instanceof EngineClosedException) {
            return body(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", "the server is shutting down", Map.of());
        }
        LOG.error("ivbot chat API call failed", error);
        return body(HttpStatus.INTERNAL_SERVER_ERROR, "internal", "internal error", Map.of());
    }

    private static ResponseEntity<Map<String, Object>> busy(String message) {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", "1")
                .body(Map.of("code", "busy", "message", message));
    }

    private static ResponseEntity<Map<String, Object>> body(HttpStatus status, String code, String message,
            Map<String, Object> extra) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("code", code);
        json.put("message", message);
        json.putAll(extra);
        return ResponseEntity.status(status).body(json);
    }

    /** A reply as the servlet example's API writes it. */
    static Map<String, Object> json(Reply reply) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("text", reply.text());
        json.put("intent", reply.intent());
        json.put("confidence", Math.round(reply.confidence() * 1000) / 1000.0);
        json.put("slots", reply.slots());
        json.put("source", reply.source().name());
        json.put("fallbackReason", reply.fallbackReason() == null ? null : reply.fallbackReason().name());
        List<Map<String, String>> choices = reply.choices().stream()
                .map((Choice c) -> Map.of("intent", c.intent(), "label", c.label())).toList();
        json.put("choices", choices);
        json.put("degraded", reply.degraded());
        json.put("language", reply.language().code());
        json.put("sessionId", reply.sessionId());
        json.put("turn", reply.turn());
        json.put("latencyMs", Math.round(reply.latency().toNanos() / 1000.0) / 1000.0);
        return json;
    }

    private static @Nullable String string(Map<String, Object> body, String field) {
        Object value = body.get(field);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String s)) {
            throw new InvalidInputException(field, field + ": must be a string");
        }
        return s;
    }

    private static Language language(@Nullable String accept) {
        return accept != null && accept.toLowerCase(Locale.ROOT).startsWith("zh") ? Language.ZH : Language.EN;
    }

    /** No authenticated principal: a 401, not an engine error. */
    private static final class Unauthenticated extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unauthenticated() {
            super("no authenticated user", null, false, false);
        }
    }
}
