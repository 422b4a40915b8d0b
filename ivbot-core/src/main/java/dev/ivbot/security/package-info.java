/**
 * Verifying the bearer tokens (JWTs) that a host application receives with each chat request:
 * {@link dev.ivbot.security.JwtVerifier} turns a token into a {@link dev.ivbot.security.VerifiedToken}
 * (the user id and the slot values the portal vouches for) or refuses it with a
 * {@link dev.ivbot.security.TokenRejectedException} that says why. See {@code docs/security.md}.
 */
@NullMarked
package dev.ivbot.security;

import org.jspecify.annotations.NullMarked;
