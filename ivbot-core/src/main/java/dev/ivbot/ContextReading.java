package dev.ivbot;

/**
 * Which classifier reads a turn together with the question that set the session's topic, so that
 * the dialog policy can tell a sub-question of the topic ("需要刷题吗" after interview rounds, "is it
 * paid in full?" after probation) from a new topic. The reading is taken only for a turn that may
 * continue a topic and whose stand-alone reading neither answers the topic nor is a sure switch.
 * See docs/evaluation.md for what each costs and gains. Immutable and thread-safe.
 */
public enum ContextReading {
    /** No context reading: only bare slot follow-ups ("那病假呢") continue the topic. */
    OFF,
    /**
     * The fast classifier: the primary if it is non-blocking, else the secondary if it is (the
     * rules of a hybrid setup); microseconds, no second model pass. None when neither is: then as
     * {@link #OFF}. For a host whose budget has no room for a second model pass; the rules read
     * follow-ups poorly on a KB without rules blocks (docs/evaluation.md).
     */
    FAST,
    /**
     * The primary classifier, a model pass of its own over the turn and the topic question joined,
     * for the turns that need it (a few milliseconds on a CPU), under the classifier deadline.
     * Before 2026-12-07 the default; as accurate as {@link #COMPOSED} on the dev dialogs
     * (docs/evaluation.md) at about 150 times its cost per follow-up.
     */
    PRIMARY,
    /**
     * The primary classifier composes the reading from what it has already read of the turn and
     * of the topic question ({@link dev.ivbot.spi.IntentClassifier#classifyFollowUpAsync}), without
     * another pass where it can: the ONNX model scores the mean of the two texts' cached embeddings,
     * microseconds; a classifier that cannot (the rules, a custom one) reads the joined text as with
     * {@link #PRIMARY}. The default: on the dev dialogs (eval/dialogs-dev.jsonl and
     * eval/dialogs-dev2.jsonl, nine KBs) within 0.3 points of {@link #PRIMARY}'s turn accuracy,
     * with no second model pass (docs/evaluation.md, docs/benchmarks.md).
     */
    COMPOSED
}
