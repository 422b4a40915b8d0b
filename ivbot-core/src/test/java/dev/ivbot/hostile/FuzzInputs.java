package dev.ivbot.hostile;

import java.nio.charset.StandardCharsets;

/** Turns fuzzer bytes into Java strings, including ones that UTF-8 cannot carry. */
final class FuzzInputs {

    private FuzzInputs() {}

    /**
     * Bytes starting with FE FF are read as raw UTF-16BE code units, so that unpaired surrogates
     * and any other char can occur; all other bytes are read as UTF-8 (malformed bytes become U+FFFD).
     */
    static String text(byte[] input) {
        if (input.length >= 2 && (input[0] & 0xff) == 0xfe && (input[1] & 0xff) == 0xff) {
            char[] chars = new char[(input.length - 2) / 2];
            for (int i = 0; i < chars.length; i++) {
                chars[i] = (char) ((input[2 + 2 * i] & 0xff) << 8 | input[3 + 2 * i] & 0xff);
            }
            return new String(chars);
        }
        return new String(input, StandardCharsets.UTF_8);
    }

    /** Fails an input that takes longer than {@code limitMillis}: a hang in the making. */
    static void checkTime(long startNanos, long limitMillis, String what) {
        long millis = (System.nanoTime() - startNanos) / 1_000_000;
        if (millis > limitMillis) {
            throw new AssertionError(what + " took " + millis + " ms, more than " + limitMillis + " ms");
        }
    }
}
