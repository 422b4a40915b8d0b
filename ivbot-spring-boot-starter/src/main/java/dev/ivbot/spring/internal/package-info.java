/** The starter's internals: free to change between releases, not for use by applications. */
@NullMarked
package dev.ivbot.spring.internal;

import org.jspecify.annotations.NullMarked;
