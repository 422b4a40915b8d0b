/** Reading KB folders (YAML outline with file and line, the loader's parts); not API, free to change in any release. */
@NullMarked
package dev.ivbot.internal.kb;

import org.jspecify.annotations.NullMarked;
