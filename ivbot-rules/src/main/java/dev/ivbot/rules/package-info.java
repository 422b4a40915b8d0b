/** The rule classifier: keywords, patterns and n-gram weights learned from the KB's examples. */
@NullMarked
package dev.ivbot.rules;

import org.jspecify.annotations.NullMarked;
