package dev.ivbot.internal.kb;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.ivbot.Language;
import dev.ivbot.kb.AnswerVariant;
import dev.ivbot.kb.Intent;
import dev.ivbot.kb.IntentRules;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.kb.KnowledgeBaseException;
import dev.ivbot.kb.KnowledgeBaseException.Problem;
import dev.ivbot.kb.LocalizedText;
import dev.ivbot.kb.SlotDefinition;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.LoaderOptions;

/** Reads and validates KB YAML; every problem carries file, line and column. */
public final class KnowledgeBaseLoader {

    /** Most YAML files in one KB folder. */
    public static final int MAX_FILES = 200;
    /** Largest KB file, in bytes. */
    public static final long MAX_FILE_BYTES = 2L * 1024 * 1024;
    /** Deepest nesting a KB document may have; the format itself needs six levels. */
    public static final int MAX_DEPTH = 20;
    /**
     * Most aliases per document for SnakeYAML's composer. The streaming parser used here does not
     * expand aliases at all, and the loader refuses every alias: the format needs none, and alias
     * expansion is how YAML bombs work.
     */
    public static final int MAX_ALIASES = 20;
    /** Most nodes per document, so that alias expansion cannot exhaust memory. */
    public static final int MAX_NODES = 200_000;

    private static final Pattern ID = Pattern.compile("[a-z][a-z0-9_]{0,63}");
    private static final Set<String> TOP_KEYS = Set.of("name", "settings", "messages", "followup_fillers", "slots",
            "intents");

    private KnowledgeBaseLoader() {}

    public static KnowledgeBaseParts load(Path path) {
        return fromDocuments(readDocuments(path));
    }

    /**
     * The YAML documents of a KB folder (every {@code *.yaml} / {@code *.yml} file, in path order,
     * named relative to the folder) or of a single file, with the loader's limits checked.
     */
    public static Map<String, String> readDocuments(Path path) {
        if (!Files.exists(path)) {
            throw new KnowledgeBaseException(new Problem(path.toString(), 0, 0, "does not exist"));
        }
        Map<String, String> documents = new LinkedHashMap<>();
        if (Files.isDirectory(path)) {
            List<Path> files;
            try (Stream<Path> walk = Files.walk(path, 8)) {
                files = walk.filter(Files::isRegularFile)
                        .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                        .sorted().toList();
            } catch (IOException e) {
                throw new KnowledgeBaseException(new Problem(path.toString(), 0, 0, "cannot list: " + e.getMessage()));
            }
            if (files.isEmpty()) {
                throw new KnowledgeBaseException(new Problem(path.toString(), 0, 0, "holds no .yaml file"));
            }
            if (files.size() > MAX_FILES) {
                throw new KnowledgeBaseException(new Problem(path.toString(), 0, 0,
                        "holds " + files.size() + " YAML files, more than the limit of " + MAX_FILES));
            }
            for (Path file : files) {
                documents.put(path.relativize(file).toString(), read(file, path.relativize(file).toString()));
            }
        } else {
            documents.put(path.getFileName().toString(), read(path, path.getFileName().toString()));
        }
        return documents;
    }

    private static String read(Path file, String name) {
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new KnowledgeBaseException(new Problem(name, 0, 0,
                        "is " + size + " bytes, more than the limit of " + MAX_FILE_BYTES));
            }
            byte[] bytes = Files.readAllBytes(file);
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new KnowledgeBaseException(new Problem(name, 0, 0, "is not valid UTF-8"));
        } catch (IOException e) {
            throw new KnowledgeBaseException(new Problem(name, 0, 0, "cannot be read: " + e.getMessage()));
        }
    }

    public static KnowledgeBaseParts fromDocuments(Map<String, String> documents) {
        Problems problems = new Problems();
        if (documents.size() > MAX_FILES) {
            throw new KnowledgeBaseException(new Problem("knowledge base", 0, 0,
                    "holds " + documents.size() + " documents, more than the limit of " + MAX_FILES));
        }
        List<YamlNode> roots = new ArrayList<>();
        for (Map.Entry<String, String> doc : documents.entrySet()) {
            if (doc.getValue().length() > MAX_FILE_BYTES) {
                problems.add(doc.getKey(), 0, 0, "is longer than the limit of " + MAX_FILE_BYTES + " characters");
                continue;
            }
            YamlNode root = parse(doc.getKey(), doc.getValue(), problems);
            if (root != null && root.kind != YamlNode.Kind.NULL) {
                roots.add(root);
            }
        }
        problems.throwIfAny();
        return new Assembler(problems, fingerprint(documents)).assemble(roots);
    }

    // ---------------------------------------------------------------- parsing

    private static final YAMLFactory FACTORY = createFactory();

    private static YAMLFactory createFactory() {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setNestingDepthLimit(MAX_DEPTH + 5);
        options.setCodePointLimit((int) MAX_FILE_BYTES);
        options.setAllowDuplicateKeys(true); // reported by this loader, with the line
        return YAMLFactory.builder().loaderOptions(options)
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH + 5).build())
                .build();
    }

    static @Nullable YamlNode parse(String file, String text, Problems problems) {
        try (JsonParser parser = FACTORY.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return null;
            }
            int[] budget = {MAX_NODES};
            return readValue(file, parser, 0, budget);
        } catch (TooLarge e) {
            problems.add(file, e.line, e.column, e.problem);
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            problems.add(file, loc == null ? 0 : loc.getLineNr(), loc == null ? 0 : loc.getColumnNr(),
                    "not valid YAML: " + e.getOriginalMessage());
        } catch (IOException | RuntimeException e) {
            // snakeyaml reports limit breaches (aliases, depth, size) as unchecked exceptions
            problems.add(file, 0, 0, "not valid YAML: " + e.getMessage());
        }
        return null;
    }

    private static final class TooLarge extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String problem;
        final int line;
        final int column;

        TooLarge(String message, int line, int column) {
            super(message, null, false, false);
            this.problem = message;
            this.line = line;
            this.column = column;
        }
    }

    private static YamlNode readValue(String file, JsonParser parser, int depth, int[] budget) throws IOException {
        JsonLocation loc = parser.currentTokenLocation();
        int line = loc.getLineNr();
        int column = loc.getColumnNr();
        if (--budget[0] < 0) {
            throw new TooLarge("document has more than " + MAX_NODES + " values (alias expansion?)", line, column);
        }
        if (depth > MAX_DEPTH) {
            throw new TooLarge("nested deeper than " + MAX_DEPTH + " levels", line, column);
        }
        JsonToken token = parser.currentToken();
        switch (token) {
            case START_OBJECT: {
                LinkedHashMap<String, YamlNode> entries = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String key = parser.currentName();
                    JsonLocation keyLoc = parser.currentTokenLocation();
                    parser.nextToken();
                    YamlNode value = readValue(file, parser, depth + 1, budget);
                    if (entries.containsKey(key)) {
                        throw new TooLarge("duplicate key '" + key + "'", keyLoc.getLineNr(), keyLoc.getColumnNr());
                    }
                    entries.put(key, value);
                }
                return YamlNode.map(file, line, column, entries);
            }
            case START_ARRAY: {
                List<YamlNode> items = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    items.add(readValue(file, parser, depth + 1, budget));
                }
                return YamlNode.list(file, line, column, items);
            }
            case VALUE_NULL:
                return YamlNode.nullNode(file, line, column);
            default:
                if (parser instanceof YAMLParser && ((YAMLParser) parser).isCurrentAlias()) {
                    // the parser would hand over the anchor's name as the value: refuse instead
                    throw new TooLarge("aliases (*" + parser.getText() + ") are not supported; write the value out",
                            line, column);
                }
                return YamlNode.scalar(file, line, column, parser.getText());
        }
    }

    private static String fingerprint(Map<String, String> documents) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (Map.Entry<String, String> doc : documents.entrySet()) {
                digest.update(doc.getKey().getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
                digest.update(doc.getValue().getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
            }
            return HexFormat.of().formatHex(digest.digest(), 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- validation

    static final class Problems {
        final List<Problem> list = new ArrayList<>();

        void add(String file, int line, int column, String message) {
            if (list.size() < KnowledgeBaseException.MAX_PROBLEMS) {
                list.add(new Problem(file, line, column, message));
            }
        }

        void add(YamlNode at, String message) {
            add(at.file, at.line, at.column, message);
        }

        void throwIfAny() {
            if (!list.isEmpty()) {
                throw new KnowledgeBaseException(list);
            }
        }
    }

    private static final class Assembler {
        private final Problems problems;
        private final String fingerprint;
        private @Nullable String name;
        private KnowledgeBase.@Nullable Settings settings;
        private final Map<String, LocalizedText> messages = new LinkedHashMap<>(defaultMessages());
        private final Set<String> messagesSeen = new HashSet<>();
        private final Map<Language, List<String>> fillers = new LinkedHashMap<>();
        private final Map<String, SlotDefinition> slots = new LinkedHashMap<>();
        private final Map<String, Intent> intents = new LinkedHashMap<>();

        Assembler(Problems problems, String fingerprint) {
            this.problems = problems;
            this.fingerprint = fingerprint;
        }

        KnowledgeBaseParts assemble(List<YamlNode> roots) {
            for (YamlNode root : roots) {
                if (root.kind != YamlNode.Kind.MAP) {
                    problems.add(root, "expected a mapping with keys " + new java.util.TreeSet<>(TOP_KEYS)
                            + ", found " + root.describe());
                    continue;
                }
                checkKeys(root, TOP_KEYS);
                readManifest(root);
                YamlNode slotsNode = root.map.get("slots");
                if (slotsNode != null) {
                    readSlots(slotsNode);
                }
            }
            for (YamlNode root : roots) {
                if (root.kind == YamlNode.Kind.MAP && root.map.containsKey("intents")) {
                    readIntents(root.map.get("intents"));
                }
            }
            if (intents.isEmpty() && problems.list.isEmpty()) {
                String file = roots.isEmpty() ? "knowledge base" : roots.get(0).file;
                problems.add(file, 0, 0, "defines no intents");
            }
            problems.throwIfAny();
            return new KnowledgeBaseParts(name == null ? "knowledge base" : name, fingerprint,
                    settings == null ? KnowledgeBase.Settings.DEFAULT : settings, messages, fillers, slots, intents);
        }

        private static Map<String, LocalizedText> defaultMessages() {
            return Map.of(
                    KnowledgeBase.MESSAGE_FALLBACK, new LocalizedText(
                            "抱歉，我没有理解您的问题。请换个说法，或回复“转人工”联系HR。",
                            "Sorry, I didn't understand that. Please rephrase, or type \"human\" to reach HR."),
                    KnowledgeBase.MESSAGE_CLARIFY, new LocalizedText("您想问的是以下哪一个？{choices}",
                            "Which of these did you mean? {choices}"),
                    KnowledgeBase.MESSAGE_BUSY, new LocalizedText("系统繁忙，请稍后重试。",
                            "The system is busy, please retry in a moment."));
        }

        private void readManifest(YamlNode root) {
            YamlNode nameNode = root.map.get("name");
            if (nameNode != null) {
                if (name != null) {
                    problems.add(nameNode, "'name' is already set in another file");
                }
                name = text(nameNode, "name");
            }
            YamlNode settingsNode = root.map.get("settings");
            if (settingsNode != null && expect(settingsNode, YamlNode.Kind.MAP, "settings")) {
                if (settings != null) {
                    problems.add(settingsNode, "'settings' is already set in another file");
                }
                checkKeys(settingsNode, Set.of("confidence_threshold", "clarify_margin"));
                double threshold = number(settingsNode.map.get("confidence_threshold"), "confidence_threshold",
                        KnowledgeBase.Settings.DEFAULT_CONFIDENCE_THRESHOLD, 0, 1);
                double margin = number(settingsNode.map.get("clarify_margin"), "clarify_margin",
                        KnowledgeBase.Settings.DEFAULT_CLARIFY_MARGIN, 0, 1);
                settings = new KnowledgeBase.Settings(threshold, margin);
            }
            YamlNode messagesNode = root.map.get("messages");
            if (messagesNode != null && expect(messagesNode, YamlNode.Kind.MAP, "messages")) {
                checkKeys(messagesNode, Set.of(KnowledgeBase.MESSAGE_FALLBACK, KnowledgeBase.MESSAGE_CLARIFY,
                        KnowledgeBase.MESSAGE_BUSY));
                for (Map.Entry<String, YamlNode> e : messagesNode.map.entrySet()) {
                    if (!messagesSeen.add(e.getKey())) {
                        problems.add(e.getValue(), "message '" + e.getKey() + "' is already set in another file");
                    }
                    LocalizedText text = localized(e.getValue(), "messages." + e.getKey());
                    if (text != null) {
                        messages.put(e.getKey(), text);
                    }
                }
            }
            YamlNode fillersNode = root.map.get("followup_fillers");
            if (fillersNode != null && expect(fillersNode, YamlNode.Kind.MAP, "followup_fillers")) {
                checkKeys(fillersNode, Set.of("zh", "en"));
                for (Map.Entry<String, YamlNode> e : fillersNode.map.entrySet()) {
                    if (!e.getKey().equals("zh") && !e.getKey().equals("en")) {
                        continue; // reported by checkKeys
                    }
                    fillers.computeIfAbsent(Language.fromCode(e.getKey()), k -> new ArrayList<>())
                            .addAll(textList(e.getValue(), "followup_fillers." + e.getKey()));
                }
            }
        }

        private void readSlots(YamlNode node) {
            if (!expect(node, YamlNode.Kind.MAP, "slots")) {
                return;
            }
            Map<String, YamlNode> seenSynonyms = new LinkedHashMap<>();
            for (Map.Entry<String, YamlNode> slot : node.map.entrySet()) {
                YamlNode valuesNode = slot.getValue();
                if (!ID.matcher(slot.getKey()).matches()) {
                    problems.add(valuesNode, "slot name '" + slot.getKey() + "' must match " + ID.pattern());
                }
                if (slots.containsKey(slot.getKey())) {
                    problems.add(valuesNode, "slot '" + slot.getKey() + "' is defined twice");
                    continue;
                }
                if (!expect(valuesNode, YamlNode.Kind.MAP, "slot " + slot.getKey())) {
                    continue;
                }
                Map<String, List<String>> values = new LinkedHashMap<>();
                for (Map.Entry<String, YamlNode> value : valuesNode.map.entrySet()) {
                    if (!ID.matcher(value.getKey()).matches()) {
                        problems.add(value.getValue(), "slot value '" + value.getKey() + "' must match " + ID.pattern());
                    }
                    List<String> synonyms = textList(value.getValue(), slot.getKey() + "." + value.getKey());
                    for (String synonym : synonyms) {
                        String key = dev.ivbot.internal.text.TextNormalizer.normalize(synonym);
                        YamlNode previous = seenSynonyms.putIfAbsent(key, value.getValue());
                        if (previous != null) {
                            problems.add(value.getValue(), "synonym '" + synonym + "' is already used at line "
                                    + previous.line + " of " + previous.file);
                        }
                    }
                    values.put(value.getKey(), synonyms);
                }
                slots.put(slot.getKey(), new SlotDefinition(slot.getKey(), values));
            }
        }

        private void readIntents(YamlNode node) {
            if (!expect(node, YamlNode.Kind.LIST, "intents")) {
                return;
            }
            Map<String, YamlNode> seen = new LinkedHashMap<>();
            for (YamlNode item : node.list) {
                if (!expect(item, YamlNode.Kind.MAP, "an intent")) {
                    continue;
                }
                checkKeys(item, Set.of("id", "title", "slots", "examples", "rules", "answers"));
                YamlNode idNode = item.map.get("id");
                if (idNode == null) {
                    problems.add(item, "intent has no 'id'");
                    continue;
                }
                String id = text(idNode, "id");
                if (!ID.matcher(id).matches()) {
                    problems.add(idNode, "intent id '" + id + "' must match " + ID.pattern());
                    continue;
                }
                if (intents.containsKey(id) || seen.containsKey(id)) {
                    YamlNode first = seen.get(id);
                    problems.add(idNode, "intent '" + id + "' is defined twice"
                            + (first == null ? "" : " (first at " + first.file + ":" + first.line + ")"));
                    continue;
                }
                seen.put(id, idNode);
                Intent intent = readIntent(id, item);
                if (intent != null) {
                    intents.put(id, intent);
                }
            }
        }

        private @Nullable Intent readIntent(String id, YamlNode node) {
            int before = problems.list.size();
            LocalizedText title = node.map.containsKey("title") ? localized(node.map.get("title"), id + ".title")
                    : new LocalizedText(id, id);
            List<String> intentSlots = new ArrayList<>();
            YamlNode slotsNode = node.map.get("slots");
            if (slotsNode != null && expect(slotsNode, YamlNode.Kind.LIST, id + ".slots")) {
                for (YamlNode s : slotsNode.list) {
                    String slot = text(s, id + ".slots");
                    if (!slots.containsKey(slot)) {
                        problems.add(s, "intent '" + id + "' names unknown slot '" + slot + "' (defined: "
                                + slots.keySet() + ")");
                    } else {
                        intentSlots.add(slot);
                    }
                }
            }
            List<String> zh = List.of();
            List<String> en = List.of();
            YamlNode examples = node.map.get("examples");
            if (examples != null && expect(examples, YamlNode.Kind.MAP, id + ".examples")) {
                checkKeys(examples, Set.of("zh", "en"));
                zh = examples.map.containsKey("zh") ? textList(examples.map.get("zh"), id + ".examples.zh") : zh;
                en = examples.map.containsKey("en") ? textList(examples.map.get("en"), id + ".examples.en") : en;
            }
            IntentRules rules = node.map.containsKey("rules") ? readRules(id, node.map.get("rules")) : IntentRules.NONE;
            if (zh.isEmpty() && en.isEmpty() && rules.keywords().isEmpty() && rules.patterns().isEmpty()) {
                problems.add(node, "intent '" + id + "' has neither examples nor rules, so nothing can recognise it");
            }
            List<AnswerVariant> answers = new ArrayList<>();
            YamlNode answersNode = node.map.get("answers");
            if (answersNode == null) {
                problems.add(node, "intent '" + id + "' has no 'answers'");
            } else if (expect(answersNode, YamlNode.Kind.LIST, id + ".answers")) {
                Set<Map<String, String>> conditions = new HashSet<>();
                for (YamlNode a : answersNode.list) {
                    AnswerVariant variant = readAnswer(id, intentSlots, a);
                    if (variant != null && !conditions.add(variant.when())) {
                        problems.add(a, "intent '" + id + "' has two answers for the same conditions " + variant.when());
                    }
                    if (variant != null) {
                        answers.add(variant);
                    }
                }
                if (answers.stream().noneMatch(v -> v.when().isEmpty()) && problems.list.size() == before) {
                    problems.add(answersNode, "intent '" + id + "' needs a default answer (one without 'when')");
                }
            }
            // a title that did not read (null) has added its problem
            return title != null && problems.list.size() == before
                    ? new Intent(id, title, intentSlots, zh, en, rules, answers) : null;
        }

        private @Nullable AnswerVariant readAnswer(String id, List<String> intentSlots, YamlNode node) {
            if (!expect(node, YamlNode.Kind.MAP, id + " answer")) {
                return null;
            }
            checkKeys(node, Set.of("when", "zh", "en"));
            Map<String, String> when = new LinkedHashMap<>();
            YamlNode whenNode = node.map.get("when");
            if (whenNode != null && expect(whenNode, YamlNode.Kind.MAP, id + " answer 'when'")) {
                for (Map.Entry<String, YamlNode> c : whenNode.map.entrySet()) {
                    String value = text(c.getValue(), "when." + c.getKey());
                    SlotDefinition slot = slots.get(c.getKey());
                    if (slot == null) {
                        problems.add(c.getValue(), "unknown slot '" + c.getKey() + "' in 'when' (defined: "
                                + slots.keySet() + ")");
                    } else if (!intentSlots.contains(c.getKey())) {
                        problems.add(c.getValue(), "slot '" + c.getKey() + "' in 'when' is not in intent '" + id
                                + "' slots " + intentSlots);
                    } else if (!slot.hasValue(value)) {
                        problems.add(c.getValue(), "unknown value '" + value + "' of slot '" + c.getKey()
                                + "' (defined: " + slot.values().keySet() + ")");
                    }
                    when.put(c.getKey(), value);
                }
            }
            YamlNode zh = node.map.get("zh");
            YamlNode en = node.map.get("en");
            if (zh == null || en == null) {
                problems.add(node, "answer of intent '" + id + "' needs both 'zh' and 'en'");
                return null;
            }
            return new AnswerVariant(when, new LocalizedText(text(zh, "zh"), text(en, "en")));
        }

        private IntentRules readRules(String id, YamlNode node) {
            if (!expect(node, YamlNode.Kind.MAP, id + ".rules")) {
                return IntentRules.NONE;
            }
            checkKeys(node, Set.of("keywords", "patterns", "required", "excluded"));
            Map<String, Double> keywords = new LinkedHashMap<>();
            YamlNode kw = node.map.get("keywords");
            if (kw != null && expect(kw, YamlNode.Kind.MAP, id + ".rules.keywords")) {
                for (Map.Entry<String, YamlNode> e : kw.map.entrySet()) {
                    if (e.getKey().isBlank()) {
                        problems.add(e.getValue(), "blank keyword");
                        continue;
                    }
                    keywords.put(e.getKey(), number(e.getValue(), "weight of '" + e.getKey() + "'", 1, 0.01, 100));
                }
            }
            List<IntentRules.WeightedPattern> patterns = new ArrayList<>();
            YamlNode ps = node.map.get("patterns");
            if (ps != null && expect(ps, YamlNode.Kind.LIST, id + ".rules.patterns")) {
                for (YamlNode p : ps.list) {
                    String regex;
                    double weight = 1;
                    if (p.kind == YamlNode.Kind.MAP) {
                        checkKeys(p, Set.of("regex", "weight"));
                        if (!p.map.containsKey("regex")) {
                            problems.add(p, "pattern needs 'regex'");
                            continue;
                        }
                        regex = text(p.map.get("regex"), "regex");
                        weight = number(p.map.get("weight"), "weight", 1, 0.01, 100);
                    } else {
                        regex = text(p, "pattern");
                    }
                    try {
                        patterns.add(new IntentRules.WeightedPattern(Pattern.compile(regex), weight));
                    } catch (PatternSyntaxException e) {
                        problems.add(p, "invalid regular expression '" + regex + "': " + e.getDescription());
                    }
                }
            }
            List<String> required = node.map.containsKey("required")
                    ? textList(node.map.get("required"), id + ".rules.required") : List.of();
            List<String> excluded = node.map.containsKey("excluded")
                    ? textList(node.map.get("excluded"), id + ".rules.excluded") : List.of();
            return new IntentRules(keywords, patterns, required, excluded);
        }

        // ------------------------------------------------------------ helpers

        private boolean expect(YamlNode node, YamlNode.Kind kind, String what) {
            if (node.kind != kind) {
                problems.add(node, "'" + what + "' should be " + (kind == YamlNode.Kind.MAP ? "a mapping"
                        : kind == YamlNode.Kind.LIST ? "a list" : "a text") + ", found " + node.describe());
                return false;
            }
            return true;
        }

        private void checkKeys(YamlNode node, Set<String> allowed) {
            for (Map.Entry<String, YamlNode> e : node.map.entrySet()) {
                if (!allowed.contains(e.getKey())) {
                    problems.add(e.getValue(), "unknown key '" + e.getKey() + "' (expected one of "
                            + new java.util.TreeSet<>(allowed) + ")");
                }
            }
        }

        private String text(YamlNode node, String what) {
            if (node.kind != YamlNode.Kind.SCALAR || node.scalar.isBlank()) {
                problems.add(node, "'" + what + "' should be a non-empty text, found " + node.describe());
                return "";
            }
            return node.scalar.strip();
        }

        private List<String> textList(YamlNode node, String what) {
            if (!expect(node, YamlNode.Kind.LIST, what)) {
                return List.of();
            }
            List<String> out = new ArrayList<>(node.list.size());
            for (YamlNode item : node.list) {
                String t = text(item, what + " item");
                if (!t.isEmpty()) {
                    out.add(t);
                }
            }
            return out;
        }

        private @Nullable LocalizedText localized(YamlNode node, String what) {
            if (!expect(node, YamlNode.Kind.MAP, what)) {
                return null;
            }
            checkKeys(node, Set.of("zh", "en"));
            YamlNode zh = node.map.get("zh");
            YamlNode en = node.map.get("en");
            if (zh == null || en == null) {
                problems.add(node, "'" + what + "' needs both 'zh' and 'en'");
                return null;
            }
            return new LocalizedText(text(zh, what + ".zh"), text(en, what + ".en"));
        }

        private double number(@Nullable YamlNode node, String what, double absent, double min, double max) {
            if (node == null) {
                return absent;
            }
            try {
                double value = Double.parseDouble(node.scalar);
                if (node.kind == YamlNode.Kind.SCALAR && value >= min && value <= max) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            problems.add(node, "'" + what + "' should be a number from " + min + " to " + max + ", found "
                    + node.describe());
            return absent;
        }
    }
}
