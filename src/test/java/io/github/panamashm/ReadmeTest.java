package io.github.panamashm;

import io.github.panamashm.testing.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the README and docs/ show must be what the tests run. The commands that need the packaged jar are run by
 * {@code ReadmeIT}; the jshell session by {@code JshellSessionTest}.
 */
class ReadmeTest {
    /** The sample consumer projects the build runs (maven-invoker-plugin). */
    private static final List<Path> CONSUMERS = List.of(Path.of("src", "it", "classpath-app"),
            Path.of("src", "it", "module-app"));
    private static final Path BOARD = Path.of("src", "main", "java", "com", "example", "board", "Board.java");
    private static final Path RECIPE = Path.of("src", "test", "java", "com", "example", "board",
            "BlockSharingTest.java");

    static String readme() throws Exception {
        return Files.readString(Path.of("README.md"));
    }

    /** The contents of every fenced block of {@code language} in {@code markdown}, in order. */
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

    /** The README's {@code Board} example, which the consumer projects compile in their package. */
    static String board() throws Exception {
        List<String> boards = blocks(readme(), "java").stream().filter(b -> b.contains("public class Board")).toList();
        assertEquals(1, boards.size(), "the README shows Board once");
        return boards.getFirst();
    }

    @Test
    void theReadmeIsAtMost300Lines() throws Exception {
        long lines = readme().lines().count();
        assertTrue(lines <= 300, "README.md has " + lines + " lines: move details to docs/");
    }

    @Test
    void everyRelativeLinkOfTheReadmeLeadsToAFileOfTheRepository() throws Exception {
        Matcher link = Pattern.compile("\\]\\(([^)#]+)\\)").matcher(readme());
        int checked = 0;
        while (link.find()) {
            String target = link.group(1);
            if (!target.startsWith("https://")) {
                assertTrue(Files.exists(Path.of(target)), "README.md links to " + target + ", which does not exist");
                checked++;
            }
        }
        assertTrue(checked >= 5, "found " + checked + " relative links");
    }

    @Test
    void theProtocolDocsCCodeIsTheCodeTheNativePeerTestCompiles() throws Exception {
        String docs = Files.readString(Path.of("docs", "protocol.md"));
        String peer = Files.readString(Path.of("src", "test", "c", "shm_peer.c"));
        List<String> blocks = new ArrayList<>();
        for (int start = docs.indexOf("```c\n"); start >= 0; start = docs.indexOf("```c\n", start + 1)) {
            blocks.add(docs.substring(start + 5, docs.indexOf("```\n", start + 5)));
        }
        String all = String.join("", blocks);
        for (String function : List.of("shm_attach", "shm_detach", "struct shm_text", "text_join", "text_lock",
                "text_set", "text_get", "text_wait")) {
            assertTrue(all.contains(function), "docs/protocol.md shows no " + function);
        }
        for (String block : blocks) {
            assertTrue(peer.contains(block), "this C in docs/protocol.md differs from src/test/c/shm_peer.c:\n" + block);
        }
    }

    @Test
    void theReadmesJshellCommandIsTheOneTheStartupScriptNames() throws Exception {
        String startup = Files.readString(Path.of("jshell", "panama-shm.jsh"));
        Matcher named = Pattern.compile("^// (bin/jdk22 jshell .*)$", Pattern.MULTILINE).matcher(startup);
        assertTrue(named.find(), "jshell/panama-shm.jsh names no command line");
        assertTrue(blocks(readme(), "sh").stream().anyMatch(b -> b.equals(named.group(1) + "\n")),
                "the README's jshell command differs from " + named.group(1));
        assertTrue(readme().contains("`jshell/session-two-windows.jsh`"));
        assertTrue(Files.exists(Path.of("jshell", "session-two-windows.jsh")));
    }

    @Test
    void theReadmesBoardIsTheBoardTheConsumerProjectsBuildInTheirPackage() throws Exception {
        String board = board();
        for (Path consumer : CONSUMERS) {
            assertEquals("package com.example.board;\n\n" + board, Files.readString(consumer.resolve(BOARD)),
                    consumer + "'s Board.java differs from the README's");
        }
    }

    @Test
    void theReadmesMultiProcessRecipeIsTheTestTheConsumerProjectsRun() throws Exception {
        String readme = readme();
        for (Path consumer : CONSUMERS) {
            String recipe = Files.readString(consumer.resolve(RECIPE));
            assertTrue(readme.contains("```java\n" + recipe + "```\n"),
                    "the README's recipe differs from " + consumer + "'s BlockSharingTest.java");
        }
    }

    @Test
    void everyPomSnippetOfTheReadmeIsInEveryConsumerProjectsPom() throws Exception {
        List<String> snippets = blocks(readme(), "xml");
        assertTrue(snippets.size() >= 3, "the dependency, JUnit and Surefire snippets: " + snippets);
        String version = projectVersion();
        for (Path consumer : CONSUMERS) {
            String pom = unindented(Files.readString(consumer.resolve("pom.xml")).replace("@project.version@", version));
            for (String snippet : snippets) {
                assertTrue(pom.contains(unindented(snippet)), consumer + "/pom.xml lacks the README's\n" + snippet);
            }
        }
    }

    /**
     * Every other Java block of the README (the tour) compiles against the library, as statements after its
     * imports; javac runs in a child process (the test's module does not read java.compiler).
     */
    @Test
    void theReadmesJavaSnippetsCompile(@TempDir Path dir) throws Exception {
        String board = board();
        List<Path> sources = new ArrayList<>(List.of(Files.writeString(dir.resolve("Board.java"), board)));
        int n = 0;
        for (String block : blocks(readme(), "java")) {
            if (block.equals(board) || block.startsWith("package com.example.board;")) {
                continue; // Board, and the recipe, which the consumer projects compile
            }
            String imports = block.lines().filter(l -> l.startsWith("import ")).collect(Collectors.joining("\n"));
            String body = block.lines().filter(l -> !l.startsWith("import ")).collect(Collectors.joining("\n"));
            String name = "Snippet" + n++;
            sources.add(Files.writeString(dir.resolve(name + ".java"), imports + "\nclass " + name
                    + " {\n    void run() throws Exception {\n" + body + "\n    }\n}\n"));
        }
        assertTrue(n >= 1, "the README's tour is a Java block");
        List<String> javac = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "javac").toString(),
                "-Xlint:all", "-Werror", "-proc:none", "-d", dir.resolve("classes").toString(), "-cp",
                Path.of("target", "classes").toString()));
        sources.forEach(p -> javac.add(p.toString()));
        try (ChildJvm compiler = ChildJvm.start(javac)) {
            compiler.closeStdin();
            assertEquals(0, compiler.waitFor(), compiler::transcript);
        }
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
