/**
 * {@code kb lint}: faults of a knowledge base that loading does not catch, or catches one at a
 * time: duplicate and near-duplicate examples across intents, confusable intents, thin intents,
 * slot values without an answer, missing translations and answers that can never be chosen. See
 * {@link dev.ivbot.kb.lint.KbLinter} and {@code docs/kb-format.md}.
 */
@NullMarked
package dev.ivbot.kb.lint;

import org.jspecify.annotations.NullMarked;
