package dev.ivbot.internal.kb;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML value with the place it came from, so that validation errors can name file and line.
 * Jackson's tree model drops locations, hence this small tree.
 */
final class YamlNode {
    enum Kind { MAP, LIST, SCALAR, NULL }

    final Kind kind;
    final String file;
    final int line;
    final int column;
    final String scalar;
    final Map<String, YamlNode> map;
    final List<YamlNode> list;

    private YamlNode(Kind kind, String file, int line, int column, String scalar, Map<String, YamlNode> map,
            List<YamlNode> list) {
        this.kind = kind;
        this.file = file;
        this.line = line;
        this.column = column;
        this.scalar = scalar;
        this.map = map;
        this.list = list;
    }

    static YamlNode scalar(String file, int line, int column, String value) {
        return new YamlNode(Kind.SCALAR, file, line, column, value, Map.of(), List.of());
    }

    static YamlNode nullNode(String file, int line, int column) {
        return new YamlNode(Kind.NULL, file, line, column, "", Map.of(), List.of());
    }

    static YamlNode map(String file, int line, int column, LinkedHashMap<String, YamlNode> entries) {
        return new YamlNode(Kind.MAP, file, line, column, "", entries, List.of());
    }

    static YamlNode list(String file, int line, int column, List<YamlNode> items) {
        return new YamlNode(Kind.LIST, file, line, column, "", Map.of(), items);
    }

    String describe() {
        switch (kind) {
            case MAP: return "a mapping";
            case LIST: return "a list";
            case NULL: return "nothing";
            default: return "'" + (scalar.length() > 40 ? scalar.substring(0, 40) + "..." : scalar) + "'";
        }
    }
}
