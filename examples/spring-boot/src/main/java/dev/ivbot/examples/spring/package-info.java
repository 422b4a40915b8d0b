/** The Spring Boot example app: the chat page and API over {@code ivbot-spring-boot-starter}. */
@NullMarked
package dev.ivbot.examples.spring;

import org.jspecify.annotations.NullMarked;
