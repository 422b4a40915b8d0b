package dev.ivbot.examples.server;

import com.auth0.jwt.JWT;
import com.auth0.jwt.interfaces.Claim;
import dev.ivbot.security.JwtVerifier;
import dev.ivbot.security.VerifiedToken;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * Who may use an operator endpoint: a verified token whose {@link ServerConfig#operatorClaim()}
 * holds {@link ServerConfig#operatorRole()}. Shared by the review and the model APIs.
 *
 * <p>Immutable and thread-safe.
 */
final class OperatorAuth {
    private final JwtVerifier verifier;
    private final ServerConfig config;

    OperatorAuth(JwtVerifier verifier, ServerConfig config) {
        this.verifier = verifier;
        this.config = config;
    }

    /**
     * The operator's user id.
     *
     * @throws dev.ivbot.security.TokenRejectedException for a missing or bad token (401)
     * @throws ApiException 403 for a token without the operator role; {@code what} names the API
     */
    String operator(HttpServletRequest request, String what) {
        VerifiedToken token = verifier.verify(request.getHeader("Authorization"));
        String header = request.getHeader("Authorization");
        // verified above: decoding reads the claims of a token whose signature and times are checked
        Claim roles = JWT.decode(header.substring(header.indexOf(' ') + 1).trim()).getClaim(config.operatorClaim());
        List<String> held = new ArrayList<>();
        if (!roles.isMissing() && !roles.isNull()) {
            String one = roles.asString();
            if (one != null) {
                held.add(one);
            } else if (roles.asList(String.class) != null) {
                held.addAll(roles.asList(String.class));
            }
        }
        if (!held.contains(config.operatorRole())) {
            throw new ApiException(403, "forbidden", what + " needs the role '" + config.operatorRole()
                    + "' in the claim '" + config.operatorClaim() + "'");
        }
        return token.userId();
    }
}
