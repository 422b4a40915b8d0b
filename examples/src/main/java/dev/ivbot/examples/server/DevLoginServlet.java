package dev.ivbot.examples.server;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTCreator;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code POST /dev/login} {@code {"user": "alice", "track": "campus"?}}: mints an HS256 token for any
 * user, signed with the configured secret. Only mapped when {@link ServerConfig#devLogin()} is on;
 * a portal issues its own tokens.
 */
final class DevLoginServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]{0,63}");
    private static final Pattern TRACK = Pattern.compile("[a-z][a-z0-9_]{0,63}");

    private final transient Algorithm algorithm;
    private final transient ServerConfig config;

    DevLoginServlet(ServerConfig config) {
        this.config = config;
        this.algorithm = Algorithm.HMAC256(config.hmacSecret());
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            if (!request.getMethod().equals("POST")) {
                response.setHeader("Allow", "POST");
                throw new ApiException(405, "method_not_allowed", "use POST");
            }
            JsonNode body = Http.readJsonObject(request);
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
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("token", jwt.sign(algorithm));
            json.put("user", user);
            json.put("expiresAt", expires.toString());
            Http.write(response, 200, json);
        } catch (ApiException e) {
            Http.error(response, e);
        }
    }
}
