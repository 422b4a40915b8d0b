package dev.ivbot.onnx;

/**
 * Told about every model version loaded, refused or rolled back. Called on the thread that ran the
 * reload, after the swap; keep it quick and do not throw (an exception is logged and ignored).
 *
 * <p>Implementations must be thread-safe.
 */
@FunctionalInterface
public interface ModelListener {
    void onEvent(ModelEvent event);

    /** A listener that ignores events. */
    static ModelListener noop() {
        return event -> {};
    }
}
