package dev.ivbot.security;

import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.kb.SlotDefinition;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a verified bearer token vouches for.
 *
 * <p>{@code slotAttributes} holds the claims mapped with {@link JwtVerifier.Builder#claimToSlot},
 * slot name to value, ready for {@link dev.ivbot.ChatRequest#withAttributes(Map)}. The verifier
 * does not know the knowledge base, so a value may be one that the KB does not define (the portal
 * says {@code track=experienced}, the KB knows only {@code campus} and {@code intern}). The engine
 * refuses such a request ({@link dev.ivbot.InvalidInputException} on {@code attributes}, nothing
 * stored); {@link #slotAttributesKnownTo(KnowledgeBase)} drops them instead, so that a candidate is
 * not locked out because the portal and the KB disagree. See {@code docs/security.md}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param userId the user the token was issued to, a valid ivbot user id
 * @param slotAttributes slot name to value, from the mapped claims present in the token
 * @param expiresAt the token's {@code exp}
 */
public record VerifiedToken(String userId, Map<String, String> slotAttributes, Instant expiresAt) {

    public VerifiedToken {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(expiresAt, "expiresAt");
        slotAttributes = Map.copyOf(slotAttributes);
    }

    /** {@link #slotAttributes()} without the slots and values that {@code knowledgeBase} does not define. */
    public Map<String, String> slotAttributesKnownTo(KnowledgeBase knowledgeBase) {
        Objects.requireNonNull(knowledgeBase, "knowledgeBase");
        Map<String, String> known = new LinkedHashMap<>();
        slotAttributes.forEach((slot, value) -> {
            SlotDefinition definition = knowledgeBase.slots().get(slot);
            if (definition != null && definition.hasValue(value)) {
                known.put(slot, value);
            }
        });
        return Map.copyOf(known);
    }

    /** Never shows more than the user id, the slot names and the expiry. */
    @Override
    public String toString() {
        return "VerifiedToken[userId=" + userId + ", slots=" + slotAttributes.keySet() + ", expiresAt=" + expiresAt + "]";
    }
}
