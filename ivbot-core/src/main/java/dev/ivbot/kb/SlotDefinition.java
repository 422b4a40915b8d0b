package dev.ivbot.kb;

import java.util.List;
import java.util.Map;

/**
 * A slot (entity) and its values, each with the surface forms that mean it.
 *
 * @param name the slot id, e.g. {@code leave_type}
 * @param values value id to its synonyms, in file order
 *
 * <p>Immutable and thread-safe.
 */
public record SlotDefinition(String name, Map<String, List<String>> values) {

    public SlotDefinition {
        values = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(values));
    }

    public boolean hasValue(String value) {
        return values.containsKey(value);
    }
}
