package dev.ivbot.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.spring.internal.KnowledgeBaseLocation;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ivbot.knowledge-base=classpath:...}: a KB packaged in a jar, and one name on two classpath roots. */
class KnowledgeBaseLocationTest {
    private static final Path DEMO = Path.of("../examples/hr-demo-kb");

    @Test
    void aKbInsideAJarLoadsAsFromTheFolder(@TempDir Path dir) throws IOException {
        Path jar = jarOf(dir.resolve("kb.jar"));
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            KnowledgeBase fromJar = KnowledgeBaseLocation.load("classpath:hr-demo-kb", loader);
            assertThat(fromJar.intents().keySet()).isEqualTo(KnowledgeBase.load(DEMO).intents().keySet());
        }
    }

    @Test
    void theFirstClasspathRootWinsAndTwoKbsOfOneNameAreNotMerged(@TempDir Path dir) throws IOException {
        Path jar = jarOf(dir.resolve("kb.jar"));
        Path other = dir.resolve("other");
        copy(DEMO, other.resolve("hr-demo-kb"));
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL(), other.toUri().toURL()}, null)) {
            assertThat(KnowledgeBaseLocation.load("classpath:hr-demo-kb", loader).intents()).isNotEmpty();
        }
    }

    private static Path jarOf(Path jar) throws IOException {
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out);
                Stream<Path> walk = Files.walk(DEMO)) {
            for (Path file : walk.sorted().toList()) {
                String name = "hr-demo-kb/" + DEMO.relativize(file).toString().replace('\\', '/');
                if (Files.isDirectory(file)) {
                    zip.putNextEntry(new JarEntry(name.endsWith("/") ? name : name + "/"));
                } else {
                    zip.putNextEntry(new JarEntry(name));
                    zip.write(Files.readAllBytes(file));
                }
                zip.closeEntry();
            }
        }
        return jar;
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path file : walk.sorted().toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }
}
