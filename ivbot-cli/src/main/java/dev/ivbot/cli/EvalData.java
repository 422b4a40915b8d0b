package dev.ivbot.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads evaluation files (JSON Lines, see shared/design/evaluation.md). */
final class EvalData {

    /** The intent label of a question the KB does not cover. */
    static final String OOS = "oos";

    /**
     * One labelled turn. {@code kind} is the optional label of what the turn is in its dialog
     * ({@code topic}, {@code pronoun}, {@code subq}, {@code slot}, {@code oos}, {@code after_oos},
     * {@code switch}, ...), information for the per-kind figures, never input; empty when absent.
     */
    record Case(String text, String intent, Map<String, String> slots, String where, String kind) {}

    record Dialog(String id, List<Case> turns, String where) {}

    /** Either single turns or dialogs, never both. */
    record File(List<Case> turns, List<Dialog> dialogs) {
        boolean isDialogs() {
            return !dialogs.isEmpty();
        }
    }

    /** A problem in an evaluation file, with file and line. */
    static final class BadFileException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadFileException(String message) {
            super(message);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private EvalData() {}

    static File read(Path path) {
        List<String> lines;
        try {
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BadFileException(path + ": cannot be read: " + e.getMessage());
        }
        List<Case> turns = new ArrayList<>();
        List<Dialog> dialogs = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            String where = path + ":" + (i + 1);
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (JsonProcessingException e) {
                throw new BadFileException(where + ": not valid JSON: " + e.getOriginalMessage());
            }
            if (node == null || !node.isObject()) {
                throw new BadFileException(where + ": expected a JSON object");
            }
            if (node.has("turns")) {
                JsonNode ts = node.get("turns");
                if (!ts.isArray() || ts.isEmpty()) {
                    throw new BadFileException(where + ": 'turns' should be a non-empty array");
                }
                List<Case> dialogTurns = new ArrayList<>();
                for (JsonNode t : ts) {
                    dialogTurns.add(readCase(t, where));
                }
                dialogs.add(new Dialog(node.path("id").asText("line-" + (i + 1)), dialogTurns, where));
            } else {
                turns.add(readCase(node, where));
            }
            if (!turns.isEmpty() && !dialogs.isEmpty()) {
                throw new BadFileException(where + ": mixes single turns and dialogs; use one kind per file");
            }
        }
        if (turns.isEmpty() && dialogs.isEmpty()) {
            throw new BadFileException(path + ": holds no evaluation lines");
        }
        return new File(turns, dialogs);
    }

    private static Case readCase(JsonNode node, String where) {
        JsonNode text = node.get("text");
        JsonNode intent = node.get("intent");
        if (text == null || !text.isTextual() || text.asText().isBlank()) {
            throw new BadFileException(where + ": needs a non-empty \"text\"");
        }
        if (intent == null || !intent.isTextual() || intent.asText().isBlank()) {
            throw new BadFileException(where + ": needs an \"intent\" (an intent id or \"oos\")");
        }
        Map<String, String> slots = new LinkedHashMap<>();
        JsonNode s = node.get("slots");
        if (s != null && !s.isNull()) {
            if (!s.isObject()) {
                throw new BadFileException(where + ": \"slots\" should be an object");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = s.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                slots.put(e.getKey(), e.getValue().asText());
            }
        }
        return new Case(text.asText(), intent.asText(), slots, where, node.path("kind").asText(""));
    }
}
