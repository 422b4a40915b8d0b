package dev.ivbot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ivbot.cli.datasets.Dataset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImportDatasetFewShotTest {

    private static Dataset dataset(List<String> labelOrder) {
        Map<String, List<String>> train = new LinkedHashMap<>();
        for (String label : labelOrder) {
            List<String> examples = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                examples.add(label + " example " + i);
            }
            train.put(label, examples);
        }
        return new Dataset("toy", train, List.of(new Dataset.Example("v", "a")), List.of(new Dataset.Example("t", "b")));
    }

    @Test
    void keepsKExamplesPerLabelInTheirOrderAndLeavesValidationAndTestAlone() {
        Dataset full = dataset(List.of("a", "b", "c"));
        Dataset five = ImportDatasetCommand.fewShot(full, 5, 7);
        assertThat(five.train()).hasSize(3);
        five.train().forEach((label, examples) -> {
            assertThat(examples).hasSize(5).isSubsetOf(full.train().get(label));
            List<Integer> positions = examples.stream().map(full.train().get(label)::indexOf).toList();
            assertThat(positions).isSorted();
        });
        assertThat(five.validation()).isEqualTo(full.validation());
        assertThat(five.test()).isEqualTo(full.test());
    }

    @Test
    void theDrawDependsOnTheSeedOnlyNotOnLabelOrder() {
        Dataset forward = ImportDatasetCommand.fewShot(dataset(List.of("a", "b", "c")), 5, 3);
        Dataset backward = ImportDatasetCommand.fewShot(dataset(List.of("c", "b", "a")), 5, 3);
        Dataset again = ImportDatasetCommand.fewShot(dataset(List.of("a", "b", "c")), 5, 3);
        Dataset otherSeed = ImportDatasetCommand.fewShot(dataset(List.of("a", "b", "c")), 5, 4);
        for (String label : List.of("a", "b", "c")) {
            assertThat(backward.train().get(label)).isEqualTo(forward.train().get(label));
            assertThat(again.train().get(label)).isEqualTo(forward.train().get(label));
        }
        assertThat(otherSeed.train()).isNotEqualTo(forward.train());
    }

    @Test
    void aLabelWithFewerExamplesThanKKeepsThemAll() {
        Dataset fifty = ImportDatasetCommand.fewShot(dataset(List.of("a")), 50, 1);
        assertThat(fifty.train().get("a")).hasSize(20);
    }
}
