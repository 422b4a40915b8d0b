/**
 * Text normalisation and phrase matching shared by the engine and the classifier modules (rules,
 * onnx): not API, exported only to those modules, free to change in any release.
 */
@NullMarked
package dev.ivbot.internal.text;

import org.jspecify.annotations.NullMarked;
