package dev.ivbot.onnx;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * What happened to a model version: loaded and now serving, refused (the old version keeps
 * serving), rolled back to, started as a canary for a share of users, or promoted from canary.
 *
 * @param type the outcome
 * @param model the model's name in the repository
 * @param version the version the event is about (for a rollback, the version now serving again; for
 *     a canary start or a promotion, the candidate)
 * @param previousVersion the version that served before, or null at the first load
 * @param reason why (the refusal's reason, "gate passed", "rollback requested", a canary decision
 *     with its figures)
 * @param gateMacroF1 the version's macro-F1 on the gate set, NaN when not measured
 * @param servingMacroF1 the previous version's macro-F1 on the same gate set, NaN when not measured
 * @param at when it happened, by the classifier's clock
 *
 * <p>Immutable and thread-safe.
 */
public record ModelEvent(Type type, String model, String version, @Nullable String previousVersion, String reason,
        double gateMacroF1, double servingMacroF1, Instant at) {

    public enum Type { LOADED, REFUSED, ROLLED_BACK, UNCHANGED, CANARY_STARTED, PROMOTED }
}
