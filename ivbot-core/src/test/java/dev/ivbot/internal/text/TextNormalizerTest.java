package dev.ivbot.internal.text;

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

    @Test
    void normalisingTwiceChangesNothing() {
        for (String text : new String[] {"e\u200B\u0301", "Ａ\u200Dｂ　Ｃ", "年\u202E假\u0000", "ﬁle Ⅻ ㎏", "İstanbul"}) {
            String once = TextNormalizer.normalize(text);
            assertThat(TextNormalizer.normalize(once)).as(text).isEqualTo(once);
        }
        assertThat(TextNormalizer.normalize("e\u200B\u0301")).isEqualTo("\u00e9");
    }
}
