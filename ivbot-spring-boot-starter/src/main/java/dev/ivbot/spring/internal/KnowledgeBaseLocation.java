package dev.ivbot.spring.internal;

import dev.ivbot.kb.KnowledgeBase;
import dev.ivbot.spring.InvalidPropertyException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.util.ResourceUtils;

/**
 * Loads the KB that {@code ivbot.knowledge-base} names: a folder or file on disk (a path or a
 * {@code file:} URL), or every YAML file under a classpath location, in path order, from a folder or
 * inside a jar. Stateless, thread-safe.
 */
public final class KnowledgeBaseLocation {
    public static final String PROPERTY = "ivbot.knowledge-base";

    private KnowledgeBaseLocation() {}

    public static KnowledgeBase load(@Nullable String location, ClassLoader classLoader) {
        if (location == null || location.isBlank()) {
            throw new InvalidPropertyException(PROPERTY, location, "no knowledge base is configured",
                    "set " + PROPERTY + " to a KB folder (/srv/hr-kb) or a classpath location (classpath:hr-kb)");
        }
        String trimmed = location.strip();
        if (trimmed.startsWith(ResourceUtils.CLASSPATH_URL_PREFIX) || trimmed.startsWith("classpath*:")) {
            return fromClasspath(trimmed, classLoader);
        }
        Path path = trimmed.startsWith(ResourceUtils.FILE_URL_PREFIX)
                ? Path.of(java.net.URI.create(trimmed)) : Path.of(trimmed);
        if (!Files.exists(path)) {
            throw new InvalidPropertyException(PROPERTY, location, "no such file or folder: " + path.toAbsolutePath(),
                    "set " + PROPERTY + " to an existing KB folder, or to a classpath location (classpath:hr-kb)");
        }
        return KnowledgeBase.load(path);
    }

    private static KnowledgeBase fromClasspath(String location, ClassLoader classLoader) {
        String base = location.substring(location.indexOf(':') + 1).replaceAll("^/+", "").replaceAll("/+$", "");
        PathMatchingResourcePatternResolver resolver = new PathMatchingResourcePatternResolver(classLoader);
        List<Resource> files = new ArrayList<>();
        try {
            Resource root = resolver.getResource(ResourceUtils.CLASSPATH_URL_PREFIX + base);
            if (base.endsWith(".yaml") || base.endsWith(".yml")) {
                files.add(root);
            } else if (root.exists()) {
                // the first classpath root that has the folder, as classpath: means: two jars with a KB of
                // the same name (the app's and a library's) must not be merged into one
                String folder = root.getURL().toString().replaceAll("/+$", "");
                for (String ext : List.of("yaml", "yml")) {
                    files.addAll(List.of(resolver.getResources(folder + "/**/*." + ext)));
                }
            }
            files.removeIf(r -> !r.exists());
            if (files.isEmpty()) {
                throw new InvalidPropertyException(PROPERTY, location, "no YAML file on the classpath under " + base,
                        "set " + PROPERTY + " to a classpath folder that holds the KB's kb.yaml, or to a folder on disk");
            }
            files.sort(Comparator.comparing(KnowledgeBaseLocation::url));
            Map<String, String> documents = new LinkedHashMap<>();
            for (Resource file : files) {
                documents.put(url(file), file.getContentAsString(StandardCharsets.UTF_8));
            }
            return KnowledgeBase.fromYaml(documents);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the KB at " + location + ": " + e.getMessage(), e);
        }
    }

    private static String url(Resource resource) {
        try {
            return resource.getURL().toString();
        } catch (IOException e) {
            return resource.getDescription();
        }
    }
}
