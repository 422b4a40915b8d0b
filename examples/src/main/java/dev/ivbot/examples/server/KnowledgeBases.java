package dev.ivbot.examples.server;

import dev.ivbot.IvbotException;
import dev.ivbot.kb.KnowledgeBase;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Loads the KB: a folder named by the configuration, or the demo KB on the classpath. */
final class KnowledgeBases {
    /** Where the build puts {@code examples/hr-demo-kb} on the classpath. */
    static final String DEMO_RESOURCE = "hr-demo-kb";

    private KnowledgeBases() {}

    static KnowledgeBase load(ServerConfig config) {
        return config.knowledgeBase().map(KnowledgeBase::load).orElseGet(KnowledgeBases::demo);
    }

    /** The demo KB from the classpath, from a folder ({@code target/classes}) or inside a jar. */
    static KnowledgeBase demo() {
        URL manifest = KnowledgeBases.class.getClassLoader().getResource(DEMO_RESOURCE + "/kb.yaml");
        if (manifest == null) {
            throw new IvbotException("the demo KB is not on the classpath (" + DEMO_RESOURCE + "/kb.yaml); set IVBOT_KB");
        }
        try {
            URI uri = manifest.toURI();
            if ("jar".equals(uri.getScheme())) {
                try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
                    return fromFolder(folderOf(jar.provider().getPath(uri)));
                }
            }
            return KnowledgeBase.load(folderOf(Path.of(uri)));
        } catch (URISyntaxException | IOException e) {
            throw new IvbotException("cannot read the demo KB from " + manifest + ": " + e, e);
        }
    }

    private static KnowledgeBase fromFolder(Path folder) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(folder)) {
            files = walk.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .sorted().toList();
        }
        Map<String, String> documents = new LinkedHashMap<>();
        for (Path file : files) {
            documents.put(DEMO_RESOURCE + "/" + folder.relativize(file), Files.readString(file, StandardCharsets.UTF_8));
        }
        return KnowledgeBase.fromYaml(documents);
    }

    /** The folder of the KB manifest file, which always has one (the manifest sits inside the KB folder). */
    private static Path folderOf(Path manifest) {
        Path folder = manifest.getParent();
        if (folder == null) {
            throw new IvbotException("the demo KB's manifest " + manifest + " is not inside a folder");
        }
        return folder;
    }
}
