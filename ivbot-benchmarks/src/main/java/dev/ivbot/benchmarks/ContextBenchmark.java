package dev.ivbot.benchmarks;

import dev.ivbot.ChatRequest;
import dev.ivbot.ContextReading;
import dev.ivbot.DialogEngine;
import dev.ivbot.Language;
import dev.ivbot.Reply;
import dev.ivbot.Source;
import dev.ivbot.internal.DialogPolicy;
import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.rules.RuleClassifier;
import dev.ivbot.spi.Classification;
import dev.ivbot.spi.ClassifierInput;
import dev.ivbot.internal.text.TextNormalizer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What reading a follow-up in the context of its dialog costs per turn (docs/benchmarks.md). On the
 * rules path ({@link ContextReading#FAST}) the context reading is the rule
 * classifier on "topic question + follow-up" plus the policy, and {@link #contextReading} measures
 * exactly that; {@link #followUpTurn} is a topic question and a pronoun follow-up through the
 * rules-only engine, with the reading on or off. Sample mode, so that JMH reports p99.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ContextBenchmark {

    @Param({"examples/hr-demo-kb"})
    public String kb = "examples/hr-demo-kb"; // JMH sets every @Param before @Setup; the default keeps the field non-null

    @Param({"FAST", "OFF"})
    public ContextReading reading = ContextReading.FAST;

    /** Topic question, follow-up: the four kinds of issue 11. */
    static final List<String[]> DIALOGS = List.of(
            new String[] {"试用期要多久", "这期间工资打折吗"},
            new String[] {"how long is the probation period", "is it paid in full?"},
            new String[] {"新员工能住宿舍吗", "社招也能申请吗"},
            new String[] {"三方协议什么时候签", "毁约要交违约金吗"},
            new String[] {"今年的年休假我能有几天", "校招面试几轮"},
            new String[] {"入职体检都查什么项目", "那这个谁出钱"});

    private KnowledgeBase knowledgeBase;
    private DialogEngine engine;
    private RuleClassifier rules;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        knowledgeBase = KnowledgeBase.load(Path.of(kb));
        engine = DialogEngine.builder().knowledgeBase(knowledgeBase).primaryClassifier(RuleClassifier.factory())
                .contextReading(reading).build();
        rules = RuleClassifier.create(knowledgeBase);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        engine.close();
    }

    @Benchmark
    public Reply followUpTurn() {
        int i = next++;
        String[] d = DIALOGS.get(Math.floorMod(i, DIALOGS.size()));
        String session = "s" + (i & 4095);
        engine.chat(ChatRequest.of("u" + (i & 4095), session, d[0]));
        return engine.chat(ChatRequest.of("u" + (i & 4095), session, d[1]));
    }

    /** The context reading alone: the rules on the joined text, and the policy's verdict. */
    @Benchmark
    public DialogPolicy.Decision contextReading() {
        String[] d = DIALOGS.get(Math.floorMod(next++, DIALOGS.size()));
        String joined = d[0] + " " + d[1];
        String topic = "probation";
        Classification c = rules.classify(new ClassifierInput(joined, TextNormalizer.normalize(joined), Language.ZH,
                topic, Map.of(), d[0]));
        DialogPolicy.Context context = new DialogPolicy.Context(topic, d[0], Map.of());
        DialogPolicy.Decision alone = new DialogPolicy.Decision("salary_structure", 0.8, Source.MODEL, null,
                List.of(), false);
        DialogPolicy.Decision read = DialogPolicy.standalone(knowledgeBase, c, Source.CONTEXT, false, Language.ZH);
        return DialogPolicy.resolve(context, alone, read, TextNormalizer.normalize(d[1]), true);
    }
}
