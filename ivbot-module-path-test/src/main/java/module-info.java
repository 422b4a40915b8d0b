/** A host application on the module path: it may use exported packages only. */
module dev.ivbot.consumer {
    requires dev.ivbot.core;
    requires dev.ivbot.rules;
    requires dev.ivbot.onnx;
    requires dev.ivbot.redis;
    requires dev.ivbot.micrometer;
    requires dev.ivbot.kafka;
}
