/**
 * The chat server an HR portal would copy: a Jakarta Servlet app on embedded Jetty 12 that serves
 * the chat API, the chat page, health and Prometheus metrics around one {@link dev.ivbot.DialogEngine}.
 * Start it with {@link dev.ivbot.examples.server.ServerMain} ({@code ./ivbot serve}); settings are in
 * {@link dev.ivbot.examples.server.ServerConfig}.
 */
@NullMarked
package dev.ivbot.examples.server;

import org.jspecify.annotations.NullMarked;
