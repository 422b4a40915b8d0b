package dev.ivbot.internal;

import dev.ivbot.spi.Classification;
import org.jspecify.annotations.Nullable;

/**
 * What the classifiers did on one turn, for the engine's metrics and its listeners: whether the primary
 * was asked, missed its deadline or failed, and the stand-alone classification the turn was decided on.
 * Written by {@link ClassifierChain} on whichever thread completes a step, read when the turn ends:
 * thread-safe (volatile fields).
 */
public final class ClassifierTrace {
    private volatile boolean primaryAsked;
    private volatile boolean primaryTimedOut;
    private volatile boolean primaryFailed;
    private volatile @Nullable Classification classification;

    public boolean primaryAsked() {
        return primaryAsked;
    }

    public boolean primaryTimedOut() {
        return primaryTimedOut;
    }

    public boolean primaryFailed() {
        return primaryFailed;
    }

    /** The stand-alone classification the turn was decided on; null if none ran. */
    public @Nullable Classification classification() {
        return classification;
    }

    void markPrimaryAsked() {
        primaryAsked = true;
    }

    void markMissed(boolean primary, boolean timedOut) {
        if (primary) {
            if (timedOut) {
                primaryTimedOut = true;
            } else {
                primaryFailed = true;
            }
        }
    }

    void markClassified(Classification c) {
        classification = c;
    }
}
