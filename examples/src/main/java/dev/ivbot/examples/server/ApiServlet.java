package dev.ivbot.examples.server;

import com.fasterxml.jackson.databind.JsonNode;
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
import dev.ivbot.security.JwtVerifier;
import dev.ivbot.security.TokenRejectedException;
import dev.ivbot.security.VerifiedToken;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat API under {@code /api}: every call needs {@code Authorization: Bearer <JWT>}.
 *
 * <ul>
 *   <li>{@code POST /api/chat} {@code {"sessionId": "...", "text": "...", "choice": "intent"?}}: one turn. Without
 *       a {@code sessionId} the server opens a new session and returns its id in the reply.</li>
 *   <li>{@code POST /api/sessions/{id}/heartbeat}: renews the TTL; {@code {"sessionId", "alive"}}, alive false
 *       when the session does not exist (yet, or any more).</li>
 *   <li>{@code DELETE /api/sessions/{id}}: ends the session; {@code {"sessionId", "ended"}}.</li>
 * </ul>
 *
 * <p>Errors are {@code {"code", "message"}}: 400 {@code malformed_json} / {@code invalid_input} (with
 * {@code field}), 401 {@code unauthorized} (with {@code reason}), 403 {@code forbidden}, 404
 * {@code not_found}, 405 {@code method_not_allowed}, 408 {@code request_timeout} (the body came too slowly, see
 * {@link JsonBodyReader}), 413, 415, 503 {@code busy} (the KB's busy message, in the question's language, with a
 * {@code Retry-After} header), 500 {@code internal}.
 */
final class ApiServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ApiServlet.class);
    private static final Pattern SESSION = Pattern.compile("/sessions/([^/]+)(/heartbeat)?");

    private final transient DialogEngine engine;
    private final transient JwtVerifier verifier;
    private final transient JsonBodyReader bodies;

    ApiServlet(DialogEngine engine, JwtVerifier verifier, JsonBodyReader bodies) {
        this.engine = engine;
        this.verifier = verifier;
        this.bodies = bodies;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo() == null ? "" : request.getPathInfo();
        Language language = preferredLanguage(request);
        try {
            if (path.equals("/chat")) {
                Http.requireMethod(request, "POST", response);
                chat(authenticate(request), request, response);
                return;
            }
            Matcher m = SESSION.matcher(path);
            if (m.matches()) {
                String sessionId = m.group(1);
                if (m.group(2) != null) {
                    Http.requireMethod(request, "POST", response);
                    VerifiedToken token = authenticate(request);
                    boolean alive = engine.touch(token.userId(), sessionId);
                    Http.write(response, 200, Map.of("sessionId", sessionId, "alive", alive));
                } else {
                    Http.requireMethod(request, "DELETE", response);
                    VerifiedToken token = authenticate(request);
                    boolean ended = engine.endSession(token.userId(), sessionId);
                    Http.write(response, 200, Map.of("sessionId", sessionId, "ended", ended));
                }
                return;
            }
            throw ApiException.notFound("no API at " + request.getRequestURI());
        } catch (RuntimeException e) {
            Http.closeIfBodyUnread(request, response);
            fail(e, request, response, language);
        }
    }

    /** Maps an exception to its HTTP status and JSON error. */
    private void fail(Throwable error, HttpServletRequest request, HttpServletResponse response, Language language)
            throws IOException {
        try {
            throw error;
        } catch (ApiException e) {
            Http.error(response, e);
        } catch (TokenRejectedException e) {
            Http.unauthorized(response, e);
        } catch (InvalidInputException e) {
            Http.error(response, new ApiException(400, "invalid_input", e.getMessage(), Map.of("field", e.field()), e));
        } catch (SessionAccessDeniedException e) {
            Http.error(response, new ApiException(403, "forbidden", e.getMessage()));
        } catch (StoreBusyException | ConcurrentSessionUpdateException e) {
            busy(response, engine.knowledgeBase().message(KnowledgeBase.MESSAGE_BUSY, language));
        } catch (EngineClosedException e) {
            Http.error(response, new ApiException(503, "unavailable", "the server is shutting down"));
        } catch (Throwable e) {
            LOG.error("{} {} failed", request.getMethod(), request.getPathInfo(), e);
            Http.error(response, new ApiException(500, "internal", "internal error"));
        }
    }

    private void chat(VerifiedToken token, HttpServletRequest request, HttpServletResponse response) throws IOException {
        Language language = preferredLanguage(request);
        Optional<byte[]> arrived = bodies.bodyIfArrived(request);
        if (arrived.isPresent()) {
            CompletableFuture<Reply> turn = turn(token, arrived.get());
            if (turn.isDone()) {
                // answered already (the rules, sessions in memory): no async request, no second dispatch
                answer(turn, request, response, language);
                return;
            }
            AsyncContext async = request.startAsync();
            async.setTimeout(0);
            turn.whenComplete((reply, error) -> answerAndComplete(turn, async, request, response, language));
            return;
        }
        // from here on no thread waits: not for the body's bytes, not for Redis (up to the failover
        // buffer), not for the model
        AsyncContext async = request.startAsync();
        async.setTimeout(0);
        CompletableFuture<Reply> turn = bodies.read(async).thenCompose(body -> engine.chatAsync(chatRequest(token, body)));
        turn.whenComplete((reply, error) -> answerAndComplete(turn, async, request, response, language));
    }

    /** The turn for a body that was read whole; a bad body fails the turn, so its 400 keeps the connection. */
    private CompletableFuture<Reply> turn(VerifiedToken token, byte[] body) {
        try {
            return engine.chatAsync(chatRequest(token, Http.parseJsonObject(body)));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void answerAndComplete(CompletableFuture<Reply> turn, AsyncContext async, HttpServletRequest request,
            HttpServletResponse response, Language language) {
        try {
            answer(turn, request, response, language);
        } catch (IOException | RuntimeException e) {
            LOG.debug("could not write the reply: {}", e.toString());
        } finally {
            async.complete();
        }
    }

    /** Writes the reply of a turn that is done, or the error it failed with. */
    private void answer(CompletableFuture<Reply> turn, HttpServletRequest request, HttpServletResponse response,
            Language language) throws IOException {
        Reply reply;
        try {
            reply = turn.join();
        } catch (CompletionException | CancellationException e) {
            fail(e instanceof CompletionException && e.getCause() != null ? e.getCause() : e, request, response, language);
            return;
        }
        if (reply.fallbackReason() == FallbackReason.STORE_BUSY) {
            busy(response, reply.text());
        } else {
            Http.write(response, 200, toJson(reply));
        }
    }

    private ChatRequest chatRequest(VerifiedToken token, JsonNode body) {
        String text = Http.text(body, "text");
        if (text == null) {
            throw new ApiException(400, "invalid_input", "text: is missing", Map.of("field", "text"), null);
        }
        String sessionId = Http.text(body, "sessionId");
        if (sessionId == null) {
            sessionId = "s-" + UUID.randomUUID();
        }
        String choice = Http.text(body, "choice");
        ChatRequest chat = ChatRequest.of(token.userId(), sessionId, text)
                .withAttributes(token.slotAttributesKnownTo(engine.knowledgeBase()));
        return choice == null ? chat : chat.withChoice(choice);
    }

    /** The JSON of a reply, as the API returns it. */
    static Map<String, Object> toJson(Reply reply) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("text", reply.text());
        json.put("intent", reply.intent());
        json.put("confidence", Math.round(reply.confidence() * 1000) / 1000.0);
        json.put("slots", reply.slots());
        json.put("source", reply.source().name());
        json.put("fallbackReason", reply.fallbackReason() == null ? null : reply.fallbackReason().name());
        List<Map<String, String>> choices = new ArrayList<>();
        for (Choice c : reply.choices()) {
            choices.add(Map.of("intent", c.intent(), "label", c.label()));
        }
        json.put("choices", choices);
        json.put("degraded", reply.degraded());
        json.put("language", reply.language().code());
        json.put("sessionId", reply.sessionId());
        json.put("turn", reply.turn());
        json.put("latencyMs", Math.round(reply.latency().toNanos() / 1000.0) / 1000.0);
        return json;
    }

    private VerifiedToken authenticate(HttpServletRequest request) {
        return verifier.verify(request.getHeader("Authorization"));
    }

    private static void busy(HttpServletResponse response, String message) throws IOException {
        response.setHeader("Retry-After", "1");
        Http.error(response, new ApiException(503, "busy", message));
    }

    private static Language preferredLanguage(HttpServletRequest request) {
        String accept = request.getHeader("Accept-Language");
        return accept != null && accept.toLowerCase(Locale.ROOT).startsWith("zh") ? Language.ZH : Language.EN;
    }
}
