package dev.ivbot.examples.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ./ivbot serve}: starts the chat server with the settings of {@link ServerConfig} (environment
 * variables and system properties) and serves until the process is stopped.
 */
public final class ServerMain {
    private static final Logger LOG = LoggerFactory.getLogger(ServerMain.class);

    private ServerMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.println("""
                    Usage: ./ivbot serve
                    Serves the chat page and API on http://localhost:8080. Settings (environment variable,
                    or -Divbot.port=... style system property): IVBOT_HOST, IVBOT_PORT, IVBOT_KB, IVBOT_REDIS_URI,
                    IVBOT_MODEL_REPO, IVBOT_JWT_HMAC_SECRET, IVBOT_JWT_PUBLIC_KEY_PEM, IVBOT_JWT_ISSUER,
                    IVBOT_JWT_AUDIENCE, IVBOT_DEADLINE_MS, IVBOT_SESSION_TTL_S, IVBOT_DEV_LOGIN, IVBOT_CANARY_SHARE
                    (with IVBOT_CANARY_MIN_TURNS, IVBOT_CANARY_TOLERANCE, IVBOT_CANARY_ROLLBACK_THRESHOLD).
                    See docs/user-guide.md.""");
            return;
        }
        ServerConfig config;
        try {
            config = ServerConfig.fromEnvironment();
        } catch (IllegalArgumentException e) {
            System.err.println("ivbot serve: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (config.devLogin()) {
            LOG.warn("DEV LOGIN IS ON: POST /dev/login mints a token for any user name. "
                    + (config.hmacSecretGenerated() ? "No JWT key is configured, so it is on by default; "
                            + "set IVBOT_JWT_HMAC_SECRET or IVBOT_JWT_PUBLIC_KEY_PEM (or IVBOT_DEV_LOGIN=false) outside a demo."
                            : "IVBOT_DEV_LOGIN=true: never do this in production."));
        }
        ChatServer server = ChatServer.start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "ivbot-shutdown"));
        System.out.println("ivbot: chat page on " + server.uri() + "/  (Ctrl-C to stop)");
        server.join();
    }
}
