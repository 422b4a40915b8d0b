package dev.ivbot.onnx.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code <repository>/<model>/.rollout.json}: which version is stable, which one is a canary for
 * which share, and which versions a canary rejected, so that a restart serves what ran before it
 * (the users' sides follow from the hash). The leading dot keeps it out of the version list.
 */
public record RolloutFile(@Nullable String stable, @Nullable String candidate, double share, Set<String> rejected) {
    private static final Logger LOG = LoggerFactory.getLogger(RolloutFile.class);
    static final String NAME = ".rollout.json";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public RolloutFile {
        rejected = Set.copyOf(rejected);
    }

    static RolloutFile read(Path modelDir) {
        Path file = modelDir.resolve(NAME);
        if (!Files.exists(file)) {
            return new RolloutFile(null, null, 0, Set.of());
        }
        try {
            JsonNode n = MAPPER.readTree(file.toFile());
            Set<String> rejected = new LinkedHashSet<>();
            n.path("rejected").forEach(v -> rejected.add(v.asText()));
            return new RolloutFile(n.path("stable").asText(null), n.path("candidate").asText(null),
                    n.path("share").asDouble(0), rejected);
        } catch (IOException e) {
            LOG.warn("cannot read {} ({}); serving the newest version", file, e.toString());
            return new RolloutFile(null, null, 0, Set.of());
        }
    }

    void write(Path modelDir) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("stable", stable);
        n.put("candidate", candidate);
        n.put("share", share);
        rejected.forEach(n.putArray("rejected")::add);
        Path file = modelDir.resolve(NAME);
        try {
            Path tmp = Files.createTempFile(modelDir, ".rollout", ".tmp");
            MAPPER.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), n);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // the canary still runs; only a restart would not resume it
            LOG.warn("cannot write {}: {}", file, e.toString());
        }
    }
}
