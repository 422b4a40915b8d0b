package dev.ivbot.examples.spring;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTCreator;
import com.auth0.jwt.algorithms.Algorithm;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletResponse;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.http.ResponseEntity;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code ivbot.example.dev-login=true}, for a demo only: an RSA key pair made at startup, a
 * {@link JwtDecoder} that trusts its public key, and {@code POST /dev/login} {@code {user, track?}} that
 * signs an RS256 token for any user, as the servlet example's dev login does. The page learns of it from
 * the {@code X-Ivbot-Dev-Login} header. A portal issues its own tokens and configures its public key instead.
 */
@RestController
@ConditionalOnProperty(name = "ivbot.example.dev-login", havingValue = "true")
public class DevLogin {
    private static final Logger LOG = LoggerFactory.getLogger(DevLogin.class);
    private static final Duration LIFETIME = Duration.ofHours(8);
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]{0,63}");
    private static final Pattern TRACK = Pattern.compile("[a-z][a-z0-9_]{0,63}");

    private final KeyPair keys;
    private final Algorithm algorithm;

    public DevLogin() throws NoSuchAlgorithmException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        this.keys = generator.generateKeyPair();
        this.algorithm = Algorithm.RSA256((RSAPublicKey) keys.getPublic(), (RSAPrivateKey) keys.getPrivate());
        LOG.warn("DEV LOGIN ON: POST /dev/login signs a token for any user; never in production");
    }

    @Bean
    JwtDecoder devJwtDecoder() {
        return NimbusJwtDecoder.withPublicKey((RSAPublicKey) keys.getPublic()).build();
    }

    @Bean
    Filter devLoginHeader() {
        return (request, response, chain) -> {
            ((HttpServletResponse) response).setHeader("X-Ivbot-Dev-Login", "true");
            chain.doFilter(request, response);
        };
    }

    @PostMapping("/dev/login")
    ResponseEntity<Map<String, Object>> login(@RequestBody Map<String, Object> body) {
        Object user = body.get("user");
        if (!(user instanceof String u) || !USER.matcher(u).matches()) {
            return ResponseEntity.badRequest().body(Map.of("code", "invalid_input", "field", "user",
                    "message", "user: 1 to 64 letters, digits and . _ - : @, starting with a letter or digit"));
        }
        Object track = body.get("track");
        if (track != null && (!(track instanceof String t) || !TRACK.matcher(t).matches())) {
            return ResponseEntity.badRequest().body(Map.of("code", "invalid_input", "field", "track",
                    "message", "track: a slot value such as campus"));
        }
        Instant now = Instant.now();
        Instant expires = now.plus(LIFETIME);
        JWTCreator.Builder jwt = JWT.create().withSubject(u).withIssuedAt(now).withExpiresAt(expires);
        if (track != null) {
            jwt.withClaim("track", (String) track);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("token", jwt.sign(algorithm));
        json.put("user", u);
        json.put("expiresAt", expires.toString());
        return ResponseEntity.ok(json);
    }
}
