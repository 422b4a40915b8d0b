package dev.ivbot.examples.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs a script of {@code examples/e2e} with node, playwright-core and Debian's chromium. Without
 * them the test fails, unless {@code IVBOT_E2E_OPTIONAL=1}, where it is skipped.
 */
final class BrowserScript {
    private BrowserScript() {}

    /** The e2e folder, after checking that chromium, node and playwright-core are there. */
    static Path requireBrowser() {
        Path e2e = Path.of("e2e").toAbsolutePath();
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(chromium())) {
            missing.add(chromium() + " (apt-get install -y chromium)");
        }
        if (!Files.isDirectory(e2e.resolve("node_modules/playwright-core"))) {
            missing.add(e2e.resolve("node_modules/playwright-core") + " (cd examples/e2e && npm ci)");
        }
        if (findOnPath("node").isEmpty()) {
            missing.add("node 20+ (apt-get install -y nodejs npm)");
        }
        if (!missing.isEmpty()) {
            String message = "the browser test needs " + String.join(", ", missing)
                    + "; scripts/install-test-deps.sh installs them";
            if ("1".equals(System.getenv("IVBOT_E2E_OPTIONAL"))) {
                Assumptions.abort("skipped (IVBOT_E2E_OPTIONAL=1): " + message);
            }
            fail(message + " (set IVBOT_E2E_OPTIONAL=1 to skip this test instead)");
        }
        return e2e;
    }

    /** Runs {@code node <script> args...} in the e2e folder, prints its output and asserts exit code 0. */
    static void run(String script, int timeoutSeconds, String... args) throws Exception {
        Path e2e = requireBrowser();
        List<String> command = new ArrayList<>(List.of(findOnPath("node").get().toString(), e2e.resolve(script).toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(e2e.toFile()).redirectErrorStream(true);
        pb.environment().put("IVBOT_CHROMIUM", chromium().toString());
        Process process = pb.start();
        byte[] out;
        try (var in = process.getInputStream()) {
            out = in.readAllBytes(); // ends when the script exits
        }
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(script + " did not finish in " + timeoutSeconds + " s:\n" + new String(out, StandardCharsets.UTF_8));
        }
        String output = new String(out, StandardCharsets.UTF_8);
        System.out.println(output);
        assertThat(process.exitValue()).as("%s exit code; its output:%n%s", script, output).isZero();
    }

    private static Path chromium() {
        return Path.of(Optional.ofNullable(System.getenv("IVBOT_CHROMIUM")).orElse("/usr/bin/chromium"));
    }

    private static Optional<Path> findOnPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir, command);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
