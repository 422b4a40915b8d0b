package dev.ivbot.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.lang.module.FindException;
import java.lang.module.ModuleFinder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped jars as named modules: a consumer runs them on the module path, each module exports
 * its API and SPI packages only, and code that imports an internal package does not compile.
 */
class ModulePathTest {

    private static String modulePath;

    @BeforeAll
    static void modulePath() {
        // surefire's own class path (the module's jars or classes and their dependencies), less the
        // test tooling, which is not what a host ships
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        modulePath = Arrays.stream(classPath.split(File.pathSeparator))
                .filter(p -> !p.endsWith("test-classes"))
                .filter(p -> !p.matches(".*(junit|opentest4j|apiguardian|assertj|byte-buddy|surefire).*"))
                .filter(ModulePathTest::isModule)
                .collect(Collectors.joining(File.pathSeparator));
    }

    private static boolean isModule(String path) {
        try {
            return !ModuleFinder.of(Path.of(path)).findAll().isEmpty();
        } catch (FindException e) {
            return false;
        }
    }

    @Test
    void theRulesAndTheRealModelServeOnTheModulePathAndEachModuleExportsItsApiOnly() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "--module-path", modulePath,
                "-m", "dev.ivbot.consumer/dev.ivbot.consumer.ConsumerMain").redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as(out).isZero();

        assertThat(out).contains("rules intent=leave_policy source=RULES degraded=false")
                .contains("hybrid intent=salary source=MODEL degraded=false");
        Map<String, String> modules = out.lines().filter(l -> l.startsWith("module "))
                .collect(Collectors.toMap(l -> l.split(" ")[1], l -> l.substring(l.indexOf(" packages="))));
        assertThat(modules).containsOnlyKeys("dev.ivbot.consumer", "dev.ivbot.core", "dev.ivbot.rules",
                "dev.ivbot.onnx", "dev.ivbot.redis", "dev.ivbot.micrometer", "dev.ivbot.kafka");
        assertThat(modules.get("dev.ivbot.core")).isEqualTo(" packages=dev.ivbot,dev.ivbot.internal,"
                + "dev.ivbot.internal.kb,dev.ivbot.internal.runtime,dev.ivbot.internal.text,dev.ivbot.kb,dev.ivbot.kb.lint,"
                + "dev.ivbot.privacy,dev.ivbot.review,dev.ivbot.review.internal,dev.ivbot.security,"
                + "dev.ivbot.security.internal,dev.ivbot.spi"
                + " exports=dev.ivbot,dev.ivbot.internal.runtime to dev.ivbot.kafka+dev.ivbot.onnx+dev.ivbot.redis,"
                + "dev.ivbot.internal.text to dev.ivbot.onnx+dev.ivbot.rules,dev.ivbot.kb,dev.ivbot.kb.lint,"
                + "dev.ivbot.privacy,dev.ivbot.review,dev.ivbot.security,dev.ivbot.spi");
        assertThat(modules.get("dev.ivbot.rules"))
                .isEqualTo(" packages=dev.ivbot.rules,dev.ivbot.rules.internal exports=dev.ivbot.rules");
        assertThat(modules.get("dev.ivbot.onnx"))
                .isEqualTo(" packages=dev.ivbot.onnx,dev.ivbot.onnx.internal exports=dev.ivbot.onnx");
        assertThat(modules.get("dev.ivbot.redis"))
                .isEqualTo(" packages=dev.ivbot.redis,dev.ivbot.redis.internal exports=dev.ivbot.redis");
        assertThat(modules.get("dev.ivbot.micrometer"))
                .isEqualTo(" packages=dev.ivbot.micrometer exports=dev.ivbot.micrometer");
        assertThat(modules.get("dev.ivbot.kafka"))
                .isEqualTo(" packages=dev.ivbot.kafka,dev.ivbot.kafka.internal exports=dev.ivbot.kafka");
    }

    @Test
    void aHostThatImportsAnInternalPackageDoesNotCompile(@TempDir Path dir) throws IOException {
        Path src = Files.createDirectories(dir.resolve("src/dev/ivbot/host"));
        Files.writeString(dir.resolve("src/module-info.java"), "module dev.ivbot.host { requires dev.ivbot.core; }");
        Files.writeString(src.resolve("Host.java"), """
                package dev.ivbot.host;
                public class Host {
                    Object policy = dev.ivbot.internal.text.TextNormalizer.class;
                    Object api = dev.ivbot.DialogEngine.class;
                }
                """);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter errors = new StringWriter();
        boolean compiled = javac.getTask(errors, null, null, List.of("--module-path", modulePath, "--class-path", dir.toString(), "-d",
                        dir.resolve("out").toString()), null,
                javac.getStandardFileManager(null, null, StandardCharsets.UTF_8).getJavaFileObjects(
                        dir.resolve("src/module-info.java"), src.resolve("Host.java")))
                .call();
        assertThat(compiled).isFalse();
        assertThat(errors.toString()).contains("package dev.ivbot.internal.text is not visible")
                .contains("does not export it to module dev.ivbot.host").doesNotContain("DialogEngine");
    }
}
