/**
 * Text utilities shared by the engine and classifiers: normalisation and one-pass phrase matching.
 */
@NullMarked
package dev.ivbot.text;

import org.jspecify.annotations.NullMarked;
