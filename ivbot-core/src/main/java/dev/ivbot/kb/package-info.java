/** The knowledge base: intents, slots, answers and rules, loaded from YAML files that HR staff edit. */
@NullMarked
package dev.ivbot.kb;

import org.jspecify.annotations.NullMarked;
