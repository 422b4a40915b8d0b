package dev.ivbot.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ivbot.DialogEngine;
import dev.ivbot.security.BearerTokenFilterSnippet.BearerTokenFilter;
import dev.ivbot.testkit.KeywordClassifier;
import dev.ivbot.testkit.TestKnowledgeBases;
import jakarta.servlet.FilterChain;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Runs the snippet of {@code docs/security.md} against hand-made servlet request and response stubs. */
class BearerTokenFilterSnippetTest {

    private final Map<String, Object> attributes = new HashMap<>();
    private final Map<String, Object> sent = new HashMap<>();
    private final StringWriter body = new StringWriter();

    @Test
    void aValidTokenReachesTheEngineWithItsTrackAndABadOneGetsA401() throws Exception {
        BearerTokenFilter filter = new BearerTokenFilter(TestTokens.verifier());
        AtomicBoolean passed = new AtomicBoolean();
        FilterChain chain = (rq, rs) -> passed.set(true);

        filter.doFilter(request("Bearer " + TestTokens.hs256("alice", b -> b.withClaim("track", "campus"))),
                response(), chain);
        assertThat(passed).isTrue();
        assertThat(((VerifiedToken) attributes.get(BearerTokenFilter.TOKEN)).slotAttributes())
                .containsEntry("track", "campus");

        try (DialogEngine engine = DialogEngine.builder().knowledgeBase(TestKnowledgeBases.tiny())
                .primaryClassifier(KeywordClassifier.forTinyKb()).build()) {
            BearerTokenFilterSnippet.chat(engine, request(null), response(), "s1", "年假有几天");
            assertThat(body.toString()).isEqualTo("年假每年15天。");
            assertThat(engine.session("alice", "s1").orElseThrow().slots()).containsEntry("track", "campus");
        }

        passed.set(false);
        attributes.clear();
        filter.doFilter(request("Bearer " + TestTokens.hs256("alice", b -> b.withExpiresAt(TestTokens.NOW.minusSeconds(3600)))),
                response(), chain);
        assertThat(passed).isFalse();
        assertThat(sent).containsEntry("status", 401).containsEntry("WWW-Authenticate", "Bearer error=\"invalid_token\"");
        assertThat(attributes).isEmpty();
    }

    private HttpServletRequest request(String authorization) {
        return (HttpServletRequest) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getHeader": return "Authorization".equals(args[0]) ? authorization : null;
                        case "setAttribute": attributes.put((String) args[0], args[1]); return null;
                        case "getAttribute": return attributes.get((String) args[0]);
                        default: throw new UnsupportedOperationException(method.getName());
                    }
                });
    }

    private HttpServletResponse response() {
        return (HttpServletResponse) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {HttpServletResponse.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "setHeader": sent.put((String) args[0], args[1]); return null;
                        case "sendError": sent.put("status", args[0]); return null;
                        case "setContentType": return null;
                        case "getWriter": return new PrintWriter(body, true);
                        default: throw new UnsupportedOperationException(method.getName());
                    }
                });
    }
}
