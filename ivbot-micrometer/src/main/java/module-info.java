/** Micrometer meters for the engine and, with ivbot-onnx present, for each model version. */
module dev.ivbot.micrometer {
    requires transitive dev.ivbot.core;
    requires transitive micrometer.core;
    requires static dev.ivbot.onnx;

    exports dev.ivbot.micrometer;
}
