/**
 * An ONNX Runtime intent classifier for ivbot: {@link dev.ivbot.onnx.OnnxIntentClassifier} serves a
 * model version from a repository with batching and hot reload behind a regression gate;
 * {@link dev.ivbot.onnx.ModelTrainer} builds a version from a knowledge base in seconds on a CPU.
 * The {@code .internal} package is not API.
 */
@NullMarked
package dev.ivbot.onnx;

import org.jspecify.annotations.NullMarked;
