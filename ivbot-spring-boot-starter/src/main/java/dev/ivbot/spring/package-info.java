/**
 * Spring Boot auto-configuration for ivbot: {@link dev.ivbot.spring.IvbotAutoConfiguration} builds one
 * {@link dev.ivbot.DialogEngine} from {@link dev.ivbot.spring.IvbotProperties}; a portal replaces any
 * bean by declaring its own, or adjusts the builder with a {@link dev.ivbot.spring.DialogEngineCustomizer}.
 */
@NullMarked
package dev.ivbot.spring;

import org.jspecify.annotations.NullMarked;
