package dev.ivbot.security;

import dev.ivbot.ChatRequest;
import dev.ivbot.DialogEngine;
import dev.ivbot.InvalidInputException;
import dev.ivbot.Reply;
import dev.ivbot.SessionAccessDeniedException;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servlet wiring shown in {@code docs/security.md}, compiled and tested here so that the
 * snippet cannot rot ({@code BearerTokenFilterSnippetTest}). Copy it into a host application.
 */
public final class BearerTokenFilterSnippet {

    private BearerTokenFilterSnippet() {}

    // --8<-- [start:filter]
    /** Lets a request through only with a valid bearer token, and hands the verified token on. */
    public static final class BearerTokenFilter implements Filter {
        public static final String TOKEN = VerifiedToken.class.getName();
        private static final Logger LOG = LoggerFactory.getLogger(BearerTokenFilter.class);

        private final JwtVerifier verifier;

        public BearerTokenFilter(JwtVerifier verifier) {
            this.verifier = verifier;
        }

        @Override
        public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
                throws IOException, ServletException {
            HttpServletRequest request = (HttpServletRequest) req;
            HttpServletResponse response = (HttpServletResponse) res;
            VerifiedToken token;
            try {
                token = verifier.verify(request.getHeader("Authorization"));
            } catch (TokenRejectedException e) {
                LOG.info("bearer token rejected: {}", e.reason()); // the reason, never the token
                response.setHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
                response.sendError(HttpServletResponse.SC_UNAUTHORIZED);
                return;
            }
            request.setAttribute(TOKEN, token);
            chain.doFilter(request, response);
        }
    }
    // --8<-- [end:filter]

    // --8<-- [start:handler]
    /** The chat endpoint behind the filter: the user id comes from the token, never from the request body. */
    public static void chat(DialogEngine engine, HttpServletRequest request, HttpServletResponse response,
            String sessionId, String text) throws IOException {
        VerifiedToken token = (VerifiedToken) request.getAttribute(BearerTokenFilter.TOKEN);
        try {
            Reply reply = engine.chat(ChatRequest.of(token.userId(), sessionId, text)
                    .withAttributes(token.slotAttributesKnownTo(engine.knowledgeBase())));
            response.setContentType("text/plain;charset=UTF-8");
            response.getWriter().write(reply.text());
        } catch (InvalidInputException e) {
            response.sendError(HttpServletResponse.SC_BAD_REQUEST, e.getMessage()); // names the field and the limit
        } catch (SessionAccessDeniedException e) {
            response.sendError(HttpServletResponse.SC_FORBIDDEN);
        }
    }
    // --8<-- [end:handler]
}
