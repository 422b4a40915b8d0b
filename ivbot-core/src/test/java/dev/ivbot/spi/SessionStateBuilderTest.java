package dev.ivbot.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SessionStateBuilderTest {

    private final SessionState saved = new SessionState("s1", "u1", 3, 3, "leave_policy", "en",
            Map.of("leave_type", "sick"), List.of(new SessionState.TurnRecord(3, "leave_policy", "what about sick leave")),
            1_000, 2_000);

    @Test
    void aBuilderWithOnlyTheOwnerIsTheEmptyState() {
        assertThat(SessionState.builder("s1", "u1").createdAtMillis(5).updatedAtMillis(5).build())
                .isEqualTo(SessionState.empty("s1", "u1", 5));
    }

    @Test
    void toBuilderCopiesEveryComponentAndChangesOnlyWhatIsSet() {
        assertThat(saved.toBuilder().build()).isEqualTo(saved);
        SessionState moved = saved.toBuilder().sessionId("s2").build();
        assertThat(moved).isEqualTo(new SessionState("s2", "u1", 3, 3, "leave_policy", "en", saved.slots(),
                saved.recentTurns(), 1_000, 2_000));
        assertThat(saved.sessionId()).isEqualTo("s1");
    }

    @Test
    void theBuilderCopiesCollectionsSoLaterChangesToTheCallersDoNotLeakIn() {
        HashMap<String, String> slots = new HashMap<>(Map.of("city", "深圳"));
        SessionState.Builder b = SessionState.builder("s1", "u1").slots(slots);
        slots.put("city", "北京");
        assertThat(b.build().slots()).containsExactly(Map.entry("city", "深圳"));
    }

    @Test
    void aMissingOwnerOrLanguageIsRefused() {
        assertThatThrownBy(() -> SessionState.builder("s1", null)).isInstanceOf(NullPointerException.class)
                .hasMessage("userId");
        assertThatThrownBy(() -> SessionState.builder("s1", "u1").language(null))
                .isInstanceOf(NullPointerException.class).hasMessage("language");
    }
}
