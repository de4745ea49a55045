package io.github.panamashm;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the README and docs/ show must be what the tests run. */
class ReadmeTest {

    @Test
    void theProtocolDocsCCodeIsTheCodeTheNativePeerTestCompiles() throws Exception {
        String readme = Files.readString(Path.of("docs", "protocol.md"));
        int start = readme.indexOf("```c\n");
        assertTrue(start >= 0, "docs/protocol.md has no C block");
        String excerpt = readme.substring(start + 5, readme.indexOf("```\n", start + 5));
        String peer = Files.readString(Path.of("src", "test", "c", "shm_peer.c"));
        assertTrue(excerpt.contains("shm_attach") && excerpt.contains("shm_detach"), excerpt);
        assertTrue(peer.contains(excerpt), "the C protocol in docs/protocol.md differs from src/test/c/shm_peer.c");
    }

    @Test
    void theReadmesJshellSessionIsTheSessionJshellSessionTestRuns() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        String session = Files.readString(Path.of("jshell", "session-two-windows.jsh"));
        assertTrue(readme.contains("```java\n" + session + "```\n"),
                "the README's jshell session differs from jshell/session-two-windows.jsh");
        String startup = Files.readString(Path.of("jshell", "panama-shm.jsh"));
        assertTrue(readme.contains(startup), "the README's startup script differs from jshell/panama-shm.jsh");
    }

    @Test
    void theReadmesMultiProcessRecipeIsTheTestTheConsumerProjectsRun() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        for (Path consumer : CONSUMERS) {
            String recipe = Files.readString(consumer.resolve(
                    Path.of("src", "test", "java", "com", "example", "board", "BlockSharingTest.java")));
            assertTrue(readme.contains("```java\n" + recipe + "```\n"),
                    "the README's recipe differs from " + consumer + "'s BlockSharingTest.java");
        }
    }

    @Test
    void everyPomSnippetOfTheReadmeIsInEveryConsumerProjectsPom() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        List<String> snippets = blocks(readme, "xml");
        assertTrue(snippets.size() >= 3, "the dependency, JUnit and Surefire snippets: " + snippets);
        String version = projectVersion();
        for (Path consumer : CONSUMERS) {
            String pom = unindented(Files.readString(consumer.resolve("pom.xml")).replace("@project.version@", version));
            for (String snippet : snippets) {
                assertTrue(pom.contains(unindented(snippet)), consumer + "/pom.xml lacks the README's\n" + snippet);
            }
        }
    }

    /** The sample consumer projects the build runs (maven-invoker-plugin). */
    private static final List<Path> CONSUMERS = List.of(Path.of("src", "it", "classpath-app"),
            Path.of("src", "it", "module-app"));

    /** The contents of every fenced block of {@code language} in {@code markdown}. */
    static List<String> blocks(String markdown, String language) {
        List<String> blocks = new ArrayList<>();
        String fence = "```" + language + "\n";
        for (int start = markdown.indexOf(fence); start >= 0; start = markdown.indexOf(fence, start)) {
            int end = markdown.indexOf("```\n", start + fence.length());
            blocks.add(markdown.substring(start + fence.length(), end));
            start = end;
        }
        return blocks;
    }

    /** Every line without its leading white space: XML indented to any depth compares equal. */
    private static String unindented(String text) {
        return text.lines().map(String::strip).collect(Collectors.joining("\n"));
    }

    /** This project's version, from its pom.xml: the first version after its own artifactId. */
    static String projectVersion() throws Exception {
        String pom = Files.readString(Path.of("pom.xml"));
        int at = pom.indexOf("<artifactId>panama-shm</artifactId>");
        int start = pom.indexOf("<version>", at) + "<version>".length();
        return pom.substring(start, pom.indexOf("</version>", start));
    }
}
