package dev.ivbot.examples.server;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTCreator;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /dev/login} {@code {"user": "alice", "track": "campus"?, "role": "operator"?}}: mints an HS256 token for any
 * user, signed with the configured secret. Only mapped when {@link ServerConfig#devLogin()} is on;
 * a portal issues its own tokens.
 */
final class DevLoginServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(DevLoginServlet.class);
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]{0,63}");
    private static final Pattern TRACK = Pattern.compile("[a-z][a-z0-9_]{0,63}");

    private final transient Algorithm algorithm;
    private final transient ServerConfig config;
    private final transient JsonBodyReader bodies;

    DevLoginServlet(ServerConfig config, JsonBodyReader bodies) {
        this.config = config;
        this.bodies = bodies;
        this.algorithm = Algorithm.HMAC256(config.hmacSecret());
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!request.getMethod().equals("POST")) {
            response.setHeader("Allow", "POST");
            Http.error(response, new ApiException(405, "method_not_allowed", "use POST"));
            return;
        }
        // it needs no token, so a trickling body here must not hold a thread either
        AsyncContext async = request.startAsync();
        async.setTimeout(0);
        Http.replyWhenDone(async, bodies.read(async).thenApply(this::login), response, e -> {
            if (!(e instanceof ApiException)) {
                LOG.error("POST /dev/login failed", e);
            }
            Http.error(response, e instanceof ApiException api ? api : new ApiException(500, "internal", "internal error"));
        });
    }

    private Map<String, Object> login(JsonNode body) {
        String user = Http.text(body, "user");
        if (user == null || !USER.matcher(user).matches()) {
            throw new ApiException(400, "invalid_input",
                    "user: 1 to 64 letters, digits and . _ - : @, starting with a letter or digit",
                    Map.of("field", "user"), null);
        }
        String track = Http.text(body, "track");
        if (track != null && !TRACK.matcher(track).matches()) {
            throw new ApiException(400, "invalid_input", "track: a slot value such as campus",
                    Map.of("field", "track"), null);
        }
        Instant now = Instant.now();
        Instant expires = now.plus(ServerConfig.DEV_TOKEN_LIFETIME);
        JWTCreator.Builder jwt = JWT.create().withSubject(user).withIssuedAt(now).withExpiresAt(expires);
        config.issuer().ifPresent(jwt::withIssuer);
        config.audience().ifPresent(jwt::withAudience);
        if (track != null) {
            jwt.withClaim("track", track);
        }
        String role = Http.text(body, "role");
        if (role != null) {
            if (!TRACK.matcher(role).matches()) {
                throw new ApiException(400, "invalid_input", "role: a role name such as operator",
                        Map.of("field", "role"), null);
            }
            jwt.withClaim(config.operatorClaim(), role);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("token", jwt.sign(algorithm));
        json.put("user", user);
        json.put("expiresAt", expires.toString());
        return json;
    }
}
