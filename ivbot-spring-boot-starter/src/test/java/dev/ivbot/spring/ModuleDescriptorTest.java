package dev.ivbot.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The starter's module descriptor, as the compiler wrote it: it exports the API package only, and
 * opens its packages only to the Spring modules that instantiate its configuration.
 */
class ModuleDescriptorTest {

    private static final ModuleDescriptor STARTER = ModuleFinder.of(Path.of("target", "classes"))
            .find("dev.ivbot.spring").orElseThrow().descriptor();

    @Test
    void exportsTheApiPackageOnly() {
        assertThat(STARTER.isAutomatic()).isFalse();
        assertThat(STARTER.packages()).containsExactlyInAnyOrder("dev.ivbot.spring", "dev.ivbot.spring.internal");
        assertThat(STARTER.exports()).hasSize(1).allSatisfy(e -> {
            assertThat(e.source()).isEqualTo("dev.ivbot.spring");
            assertThat(e.isQualified()).isFalse();
        });
    }

    @Test
    void opensItsPackagesToSpringOnly() {
        Map<String, Set<String>> opens = STARTER.opens().stream()
                .collect(Collectors.toMap(ModuleDescriptor.Opens::source, ModuleDescriptor.Opens::targets));
        assertThat(opens).containsOnlyKeys("dev.ivbot.spring", "dev.ivbot.spring.internal");
        assertThat(opens.values()).allSatisfy(targets -> assertThat(targets).isNotEmpty()
                .allSatisfy(module -> assertThat(module).startsWith("spring.")));
    }

    @Test
    void theOptionalPartsAreStaticRequirements() {
        Map<String, Set<ModuleDescriptor.Requires.Modifier>> requires = STARTER.requires().stream()
                .collect(Collectors.toMap(ModuleDescriptor.Requires::name, ModuleDescriptor.Requires::modifiers));
        for (String optional : Set.of("dev.ivbot.onnx", "dev.ivbot.redis", "dev.ivbot.micrometer", "spring.data.redis",
                "spring.webmvc", "spring.security.core", "spring.boot.actuator",
                // Spring Boot 4's Redis and health modules: a Boot 3.5 application has neither
                "spring.boot.data.redis", "spring.boot.health")) {
            assertThat(requires.get(optional)).as(optional).contains(ModuleDescriptor.Requires.Modifier.STATIC);
        }
        assertThat(requires.get("dev.ivbot.core")).contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE);
    }
}
