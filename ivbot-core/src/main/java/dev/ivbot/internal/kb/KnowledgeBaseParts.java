package dev.ivbot.internal.kb;

import dev.ivbot.Language;
import dev.ivbot.kb.Intent;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.kb.LocalizedText;
import dev.ivbot.kb.SlotDefinition;
import java.util.List;
import java.util.Map;

/**
 * What the loader read, for {@link KnowledgeBase} to assemble itself from: the KB's constructor stays
 * private, so that a KB is only ever what a load (or a {@code with...} copy) made. Immutable once
 * handed over; the KB copies the maps.
 */
public record KnowledgeBaseParts(String name, String fingerprint, KnowledgeBase.Settings settings,
        Map<String, LocalizedText> messages, Map<Language, List<String>> followupFillers,
        Map<String, SlotDefinition> slots, Map<String, Intent> intents) {}
