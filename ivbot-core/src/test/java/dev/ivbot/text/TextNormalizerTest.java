package dev.ivbot.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextNormalizerTest {

    @Test
    void foldsWidthCaseAndSpaces() {
        assertThat(TextNormalizer.normalize("  ＰＴＯ　有几天？ ")).isEqualTo("pto 有几天?");
        assertThat(TextNormalizer.normalize("Annual\t\nLeave")).isEqualTo("annual leave");
    }

    @Test
    void dropsFormatAndControlCharacters() {
        assertThat(TextNormalizer.normalize("年\u200B假\u202E有\u0000几天")).isEqualTo("年假有 几天");
    }
}
