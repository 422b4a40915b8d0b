/** Implementation details of ivbot-onnx; not API, free to change in any release. */
@NullMarked
package dev.ivbot.onnx.internal;

import org.jspecify.annotations.NullMarked;
