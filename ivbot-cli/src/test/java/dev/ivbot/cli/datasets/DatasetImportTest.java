package dev.ivbot.cli.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ivbot.kb.KnowledgeBase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetImportTest {

    @TempDir
    Path dir;

    @Test
    void clinc150BecomesALoadableKbAndEvalFilesWithOos() throws Exception {
        Path file = dir.resolve("data_full.json");
        Files.writeString(file, """
                {"train": [["what's my balance", "balance"], ["transfer $5 to bob", "transfer"]],
                 "val": [["how much money do i have", "balance"]], "oos_val": [["tell me a joke", "oos"]],
                 "test": [["send money to mom", "transfer"]], "oos_test": [["what is the weather", "oos"]],
                 "oos_train": [["play music", "oos"]]}
                """);
        DatasetWriter.Summary s = DatasetWriter.write(DatasetFormat.named("clinc150").orElseThrow().read(file),
                dir.resolve("out"));
        KnowledgeBase kb = KnowledgeBase.load(s.kb());
        assertThat(kb.intents().keySet()).containsExactly("balance", "transfer");
        assertThat(kb.intent("transfer").orElseThrow().examplesEn()).containsExactly("transfer $5 to bob");
        assertThat(Files.readAllLines(s.test(), StandardCharsets.UTF_8)).containsExactly(
                "{\"text\":\"send money to mom\",\"intent\":\"transfer\",\"lang\":\"en\"}",
                "{\"text\":\"what is the weather\",\"intent\":\"oos\",\"lang\":\"en\"}");
        assertThat(Files.readAllLines(s.dev(), StandardCharsets.UTF_8)).hasSize(2);
    }

    @Test
    void banking77CsvWithQuotedCommas() throws Exception {
        Files.writeString(dir.resolve("train.csv"), "text,category\n\"Hi, where is my card?\",card_arrival\n"
                + "I lost my card,lost_or_stolen_card\n");
        Files.writeString(dir.resolve("test.csv"), "text,category\n\"My card, has it shipped?\",card_arrival\n");
        Dataset d = DatasetFormat.named("banking77").orElseThrow().read(dir);
        assertThat(d.train().get("card_arrival")).containsExactly("Hi, where is my card?");
        assertThat(d.test()).containsExactly(new Dataset.Example("My card, has it shipped?", "card_arrival"));
    }

    @Test
    void banking77CarvesASeededTenPercentValidationSplitPerLabelFromTrain() throws Exception {
        StringBuilder csv = new StringBuilder("text,category\n");
        for (int i = 0; i < 20; i++) {
            csv.append("card question ").append(i).append(",card_arrival\n");
        }
        for (int i = 0; i < 35; i++) {
            csv.append("pin question ").append(i).append(",change_pin\n");
        }
        csv.append("only one,rare\n");
        Files.writeString(dir.resolve("train.csv"), csv.toString());
        Files.writeString(dir.resolve("test.csv"), "text,category\ncard test,card_arrival\n");
        Dataset d = DatasetFormat.named("banking77").orElseThrow().read(dir);
        assertThat(d.validation().stream().filter(e -> e.label().equals("card_arrival"))).hasSize(2);
        assertThat(d.validation().stream().filter(e -> e.label().equals("change_pin"))).hasSize(4); // 3.5 rounds up
        assertThat(d.train().get("card_arrival")).hasSize(18);
        assertThat(d.train().get("change_pin")).hasSize(31);
        assertThat(d.train().get("rare")).containsExactly("only one"); // too few to hold one out
        for (Dataset.Example e : d.validation()) {
            assertThat(d.train().get(e.label())).doesNotContain(e.text());
        }
        // the same seed gives the same split
        assertThat(DatasetFormat.named("banking77").orElseThrow().read(dir).validation()).isEqualTo(d.validation());
        DatasetWriter.Summary s = DatasetWriter.write(d, dir.resolve("out"));
        assertThat(s.validationLines()).isEqualTo(6);
        assertThat(Files.readAllLines(s.dev(), StandardCharsets.UTF_8)).hasSize(6);
    }

    @Test
    void caisJoinsCharactersKeepsSpaceTokensAndMapsLabelsToIds() throws Exception {
        for (String split : List.of("train", "valid", "test")) {
            Path folder = Files.createDirectories(dir.resolve(split));
            String name = "ch." + split;
            Files.writeString(folder.resolve(name), "我 O\n要 O\n听 O\nt B-singer\n  I-singer\nb E-singer\n\n天 O\n气 O\n");
            Files.writeString(folder.resolve(name + ".intent"), "PlayMusic\nGetWeather\n");
        }
        Dataset d = DatasetFormat.named("cais").orElseThrow().read(dir);
        assertThat(d.train().get("PlayMusic")).containsExactly("我要听t b");
        DatasetWriter.Summary s = DatasetWriter.write(d, dir.resolve("out"));
        assertThat(KnowledgeBase.load(s.kb()).intents().keySet()).containsExactly("play_music", "get_weather");
        assertThat(Files.readString(s.test())).contains("\"intent\":\"play_music\"", "\"lang\":\"zh\"");
    }

    @Test
    void aMismatchedIntentFileIsReported() throws Exception {
        for (String split : List.of("train", "valid", "test")) {
            Path folder = Files.createDirectories(dir.resolve(split));
            Files.writeString(folder.resolve("ch." + split), "我 O\n");
            Files.writeString(folder.resolve("ch." + split + ".intent"), "A\nB\n");
        }
        assertThatThrownBy(() -> DatasetFormat.named("cais").orElseThrow().read(dir))
                .hasMessageContaining("1 utterances but 2 intent labels");
    }
}
