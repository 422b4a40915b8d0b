package dev.ivbot.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ivbot.spi.SessionState;
import dev.ivbot.spi.SessionState.TurnRecord;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SessionFieldsTest {

    @Test
    void aStateSurvivesTheHashEncodingWithTabsNewlinesAndBackslashesInItsTexts() {
        SessionState state = new SessionState("sid-1", "alice", 3, 3, "leave_policy", "en",
                Map.of("leave_type", "sick", "city", "shenzhen"),
                List.of(new TurnRecord(1, null, "a\ttab"), new TurnRecord(2, "leave_policy", "two\nlines \\n"),
                        new TurnRecord(3, "leave_policy", "年假有几天\r")),
                1_700_000_000_000L, 1_700_000_001_000L);

        Map<String, String> fields = SessionFields.toFields(state);

        assertThat(fields.get("recent")).doesNotContain("\r").contains("a\\ttab");
        assertThat(SessionFields.fromFields(fields)).isEqualTo(state);
    }

    @Test
    void aNewSessionWithoutIntentOrSlotsRoundTrips() {
        SessionState state = SessionState.empty("s", "u", 5);
        assertThat(SessionFields.fromFields(SessionFields.toFields(state))).isEqualTo(state);
    }

    @Test
    void aMissingOrMalformedFieldNamesWhatWasWrong() {
        Map<String, String> fields = new HashMap<>(SessionFields.toFields(SessionState.empty("s", "u", 5)));
        fields.remove("user");
        assertThatThrownBy(() -> SessionFields.fromFields(fields)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'user'");
        fields.put("user", "u");
        fields.put("ver", "x1");
        assertThatThrownBy(() -> SessionFields.fromFields(fields)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("malformed session fields");
    }
}
