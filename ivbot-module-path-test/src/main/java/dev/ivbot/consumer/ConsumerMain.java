package dev.ivbot.consumer;

import dev.ivbot.ChatRequest;
import dev.ivbot.DialogEngine;
import dev.ivbot.Reply;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.onnx.Hybrid;
import dev.ivbot.onnx.OnnxIntentClassifier;
import dev.ivbot.rules.RuleClassifier;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.TreeSet;

/**
 * Runs the rules and the real model (trained on a tiny KB) as named modules, then prints what each
 * ivbot module in the boot layer contains and exports, one line each, for the test to check.
 */
public final class ConsumerMain {

    static final String KB = """
            name: Module path KB
            intents:
              - id: leave_policy
                title: {zh: 假期政策, en: Leave policy}
                examples:
                  zh: [年假有几天, 病假怎么请, 婚假可以休多久]
                  en: [how many vacation days, how do I take sick leave]
                answers:
                  - zh: 年假每年15天。
                    en: 15 days of annual leave a year.
              - id: salary
                title: {zh: 薪资, en: Salary}
                examples:
                  zh: [工资多少, 薪资怎么算, 什么时候发工资]
                  en: [what is the salary, when is payday]
                answers:
                  - zh: 薪资面议。
                    en: Salary is negotiable.
            """;

    private ConsumerMain() {}

    public static void main(String[] args) throws Exception {
        KnowledgeBase kb = KnowledgeBase.fromYaml("module-path.yaml", KB);
        try (DialogEngine rules = DialogEngine.builder().knowledgeBase(kb).primaryClassifier(RuleClassifier.factory())
                .build()) {
            print("rules", rules.chat(ChatRequest.of("u", "s", "年假有几天")));
        }
        Path repository = Files.createTempDirectory("ivbot-module-path");
        try (OnnxIntentClassifier model = OnnxIntentClassifier.builder().repository(repository).knowledgeBase(kb)
                        .trainIfMissing(true).watch(false).build();
                DialogEngine hybrid = Hybrid.configure(DialogEngine.builder().knowledgeBase(kb), model,
                        RuleClassifier.factory()).build()) {
            print("hybrid", hybrid.chat(ChatRequest.of("u", "s", "工资多少")));
        }
        ModuleLayer.boot().modules().stream().filter(m -> m.getName().startsWith("dev.ivbot."))
                .sorted(Comparator.comparing(Module::getName)).forEach(ConsumerMain::describe);
    }

    private static void print(String name, Reply reply) {
        System.out.println(name + " intent=" + reply.intent() + " source=" + reply.source() + " degraded="
                + reply.degraded());
    }

    private static void describe(Module module) {
        ModuleDescriptor d = module.getDescriptor();
        TreeSet<String> exports = new TreeSet<>();
        for (ModuleDescriptor.Exports e : d.exports()) {
            exports.add(e.source() + (e.isQualified() ? " to " + String.join("+", new TreeSet<>(e.targets())) : ""));
        }
        System.out.println("module " + d.name() + " packages=" + String.join(",", new TreeSet<>(d.packages()))
                + " exports=" + String.join(",", exports));
    }
}
