package dev.ivbot.internal.kb;

import dev.ivbot.Language;
import dev.ivbot.kb.KnowledgeBaseException.Problem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a KB's YAML says, read leniently and with the file and line of every piece: the input of
 * {@code kb lint}, which must report every fault of a KB at once, also in a KB that the strict
 * loader refuses. Anything not of the expected shape is left out here (the loader reports it).
 *
 * <p>Immutable and thread-safe.
 */
public final class KbOutline {

    /** A place in a KB file; line is 1-based, 0 when unknown. */
    public record Place(String file, int line) {
        @Override
        public String toString() {
            return line > 0 ? file + ":" + line : file;
        }
    }

    /** A text and where it was written. */
    public record Text(String text, Place at) {}

    /** A slot: each value's synonyms, and where each value is defined. */
    public record Slot(String name, Place at, Map<String, List<Text>> values, Map<String, Place> valueAt) {}

    /**
     * One answer variant. {@code when} maps a slot name to the value it requires (with the value's
     * place); {@code zh} and {@code en} are null when the key is missing or not a text.
     */
    public record Answer(Place at, Map<String, Text> when, @Nullable Text zh, @Nullable Text en) {}

    /** One intent; {@code title} is null when the intent has none (its id is used then). */
    public record Intent(String id, Place at, @Nullable Answer title, List<Text> slots,
            Map<Language, List<Text>> examples, List<Answer> answers) {

        /** The examples in one language; empty where the file has none. */
        public List<Text> examples(Language language) {
            return examples.getOrDefault(language, List.of());
        }
    }

    /** A system message of {@code kb.yaml}, as a variant without conditions. */
    public record Message(String key, Answer text) {}

    private final List<Problem> parseProblems;
    private final List<Slot> slots;
    private final List<Intent> intents;
    private final List<Message> messages;

    private KbOutline(List<Problem> parseProblems, List<Slot> slots, List<Intent> intents, List<Message> messages) {
        this.parseProblems = List.copyOf(parseProblems);
        this.slots = List.copyOf(slots);
        this.intents = List.copyOf(intents);
        this.messages = List.copyOf(messages);
    }

    /** Files that are not YAML at all (or break the loader's limits): nothing of them is outlined. */
    public List<Problem> parseProblems() {
        return parseProblems;
    }

    public List<Slot> slots() {
        return slots;
    }

    /** Every intent block with an id, in file order (a duplicated id appears twice). */
    public List<Intent> intents() {
        return intents;
    }

    public List<Message> messages() {
        return messages;
    }

    /** Outlines documents as {@link KnowledgeBaseLoader#readDocuments} returns them. */
    public static KbOutline read(Map<String, String> documents) {
        KnowledgeBaseLoader.Problems problems = new KnowledgeBaseLoader.Problems();
        List<YamlNode> roots = new ArrayList<>();
        for (Map.Entry<String, String> doc : documents.entrySet()) {
            YamlNode root = KnowledgeBaseLoader.parse(doc.getKey(), doc.getValue(), problems);
            if (root != null && root.kind == YamlNode.Kind.MAP) {
                roots.add(root);
            }
        }
        List<Slot> slots = new ArrayList<>();
        List<Intent> intents = new ArrayList<>();
        List<Message> messages = new ArrayList<>();
        for (YamlNode root : roots) {
            YamlNode slotsNode = root.map.get("slots");
            if (slotsNode != null && slotsNode.kind == YamlNode.Kind.MAP) {
                slotsNode.map.forEach((name, node) -> slot(name, node, slots));
            }
            YamlNode messagesNode = root.map.get("messages");
            if (messagesNode != null && messagesNode.kind == YamlNode.Kind.MAP) {
                messagesNode.map.forEach((key, node) -> {
                    if (node.kind == YamlNode.Kind.MAP) {
                        messages.add(new Message(key, answer(node)));
                    }
                });
            }
        }
        for (YamlNode root : roots) {
            YamlNode intentsNode = root.map.get("intents");
            if (intentsNode != null && intentsNode.kind == YamlNode.Kind.LIST) {
                for (YamlNode item : intentsNode.list) {
                    Intent intent = intent(item);
                    if (intent != null) {
                        intents.add(intent);
                    }
                }
            }
        }
        return new KbOutline(problems.list, slots, intents, messages);
    }

    private static void slot(String name, YamlNode node, List<Slot> out) {
        if (node.kind != YamlNode.Kind.MAP) {
            return;
        }
        Map<String, List<Text>> values = new LinkedHashMap<>();
        Map<String, Place> valueAt = new LinkedHashMap<>();
        node.map.forEach((value, synonyms) -> {
            values.put(value, texts(synonyms));
            valueAt.put(value, place(synonyms));
        });
        out.add(new Slot(name, place(node), values, valueAt));
    }

    private static @Nullable Intent intent(YamlNode item) {
        if (item.kind != YamlNode.Kind.MAP) {
            return null;
        }
        YamlNode id = item.map.get("id");
        if (id == null || id.kind != YamlNode.Kind.SCALAR || id.scalar.isBlank()) {
            return null;
        }
        YamlNode titleNode = item.map.get("title");
        Answer title = titleNode != null && titleNode.kind == YamlNode.Kind.MAP ? answer(titleNode) : null;
        YamlNode slotsNode = item.map.get("slots");
        List<Text> slots = slotsNode == null ? List.of() : texts(slotsNode);
        Map<Language, List<Text>> examples = new LinkedHashMap<>();
        YamlNode examplesNode = item.map.get("examples");
        for (Language language : Language.values()) {
            YamlNode list = examplesNode == null || examplesNode.kind != YamlNode.Kind.MAP ? null
                    : examplesNode.map.get(language.code());
            examples.put(language, list == null ? List.of() : texts(list));
        }
        List<Answer> answers = new ArrayList<>();
        YamlNode answersNode = item.map.get("answers");
        if (answersNode != null && answersNode.kind == YamlNode.Kind.LIST) {
            for (YamlNode a : answersNode.list) {
                if (a.kind == YamlNode.Kind.MAP) {
                    answers.add(answer(a));
                }
            }
        }
        return new Intent(id.scalar.strip(), place(id), title, slots, examples, answers);
    }

    private static Answer answer(YamlNode node) {
        Map<String, Text> when = new LinkedHashMap<>();
        YamlNode whenNode = node.map.get("when");
        if (whenNode != null && whenNode.kind == YamlNode.Kind.MAP) {
            whenNode.map.forEach((slot, value) -> {
                Text t = text(value);
                if (t != null) {
                    when.put(slot, t);
                }
            });
        }
        return new Answer(place(node), when, text(node.map.get("zh")), text(node.map.get("en")));
    }

    private static List<Text> texts(YamlNode node) {
        if (node.kind != YamlNode.Kind.LIST) {
            return List.of();
        }
        List<Text> out = new ArrayList<>();
        for (YamlNode item : node.list) {
            Text t = text(item);
            if (t != null) {
                out.add(t);
            }
        }
        return out;
    }

    private static @Nullable Text text(@Nullable YamlNode node) {
        if (node == null || node.kind != YamlNode.Kind.SCALAR || node.scalar.isBlank()) {
            return null;
        }
        return new Text(node.scalar.strip(), place(node));
    }

    private static Place place(YamlNode node) {
        return new Place(node.file, node.line);
    }
}
