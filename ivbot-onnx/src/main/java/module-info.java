/** The BERT intent classifier on ONNX Runtime: trained head, hot reload, canary, lifecycle. */
module dev.ivbot.onnx {
    requires transitive dev.ivbot.core;
    requires ai.djl.tokenizers;
    requires com.github.benmanes.caffeine;
    requires com.fasterxml.jackson.databind;
    requires com.microsoft.onnxruntime;
    requires org.slf4j;

    exports dev.ivbot.onnx;
}
