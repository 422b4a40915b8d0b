/** Implementation details of the review queue and mining; not API, free to change in any release. */
@NullMarked
package dev.ivbot.review.internal;

import org.jspecify.annotations.NullMarked;
