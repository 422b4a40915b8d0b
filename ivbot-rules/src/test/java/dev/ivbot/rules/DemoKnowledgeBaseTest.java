package dev.ivbot.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ivbot.kb.AnswerVariant;
import dev.ivbot.kb.Intent;
import dev.ivbot.kb.KnowledgeBase;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The demo KB keeps the taxonomy contract (shared/design/hr-demo-taxonomy.md). */
class DemoKnowledgeBaseTest {

    private final KnowledgeBase kb = KnowledgeBase.load(DemoKbDialogTest.DEMO_KB);

    private static final Map<String, List<String>> TAXONOMY = Map.ofEntries(
            Map.entry("greeting", List.of()), Map.entry("closing", List.of()), Map.entry("human_handoff", List.of()),
            Map.entry("leave_policy", List.of("leave_type", "track")), Map.entry("working_hours", List.of()),
            Map.entry("overtime", List.of()), Map.entry("remote_work", List.of()),
            Map.entry("salary_structure", List.of("track")), Map.entry("payday", List.of()),
            Map.entry("social_insurance", List.of("city")), Map.entry("allowances", List.of("track")),
            Map.entry("housing_support", List.of("city", "track")), Map.entry("relocation", List.of("track")),
            Map.entry("probation", List.of("track")), Map.entry("interview_process", List.of("track")),
            Map.entry("interview_result", List.of()), Map.entry("interview_reschedule", List.of()),
            Map.entry("application_status", List.of()), Map.entry("how_to_apply", List.of("track")),
            Map.entry("campus_timeline", List.of()), Map.entry("written_test", List.of("track")),
            Map.entry("offer_details", List.of("track")), Map.entry("offer_decision", List.of("track")),
            Map.entry("three_party_agreement", List.of()), Map.entry("onboarding_documents", List.of()),
            Map.entry("start_date", List.of()), Map.entry("background_check", List.of()),
            Map.entry("medical_exam", List.of()), Map.entry("intern_conversion", List.of()),
            Map.entry("internship_requirements", List.of()), Map.entry("training_development", List.of()),
            Map.entry("promotion", List.of()));

    @Test
    void hasExactlyTheTaxonomysIntentsAndSlots() {
        assertThat(kb.intents().keySet()).containsExactlyInAnyOrderElementsOf(TAXONOMY.keySet());
        assertThat(kb.slots().keySet()).containsExactlyInAnyOrder("leave_type", "track", "city");
        assertThat(kb.slots().get("leave_type").values().keySet()).containsExactlyInAnyOrder("annual", "sick",
                "personal", "marriage", "maternity", "paternity", "bereavement");
        assertThat(kb.slots().get("track").values().keySet()).containsExactlyInAnyOrder("campus", "experienced",
                "intern");
        assertThat(kb.slots().get("city").values().keySet()).containsExactlyInAnyOrder("beijing", "shanghai",
                "shenzhen", "hangzhou", "chengdu");
        for (Intent intent : kb.intents().values()) {
            assertThat(intent.slots()).as(intent.id()).containsExactlyInAnyOrderElementsOf(TAXONOMY.get(intent.id()));
        }
    }

    @Test
    void everyIntentHasEnoughExamplesInBothLanguages() {
        for (Intent intent : kb.intents().values()) {
            assertThat(intent.examplesZh()).as(intent.id()).hasSizeGreaterThanOrEqualTo(20);
            assertThat(intent.examplesEn()).as(intent.id()).hasSizeGreaterThanOrEqualTo(10);
        }
    }

    @Test
    void everyValueOfASlotTheAnswerDependsOnHasItsOwnVariant() {
        for (Intent intent : kb.intents().values()) {
            for (String slot : intent.slots()) {
                Set<String> covered = intent.answers().stream().map(AnswerVariant::when)
                        .filter(w -> w.containsKey(slot)).map(w -> w.get(slot)).collect(Collectors.toSet());
                Set<String> values = new java.util.HashSet<>(kb.slots().get(slot).values().keySet());
                if (intent.id().equals("housing_support") && slot.equals("track")) {
                    values.remove("experienced"); // experienced hires get the per-city answer
                }
                assertThat(covered).as(intent.id() + " variants for " + slot)
                        .containsAll(values);
            }
        }
    }
}
