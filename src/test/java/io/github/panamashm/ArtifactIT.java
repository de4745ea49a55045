package io.github.panamashm;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@code install} puts in a repository, as Maven Central requires it: the jar with its sources and javadoc
 * jars, and a POM with the project's metadata. Run by failsafe after {@code package}.
 */
class ArtifactIT {
    private static final Pattern THROWS = Pattern.compile("<dt>Throws:</dt>(.*?)(?=<dt>|</dl>)", Pattern.DOTALL);
    private static final Pattern ENTRY = Pattern.compile("<dd>(.*?)</dd>", Pattern.DOTALL);

    private static Path attached(String classifier) {
        String property = System.getProperty("panamashm.jar");
        Path jar = Path.of(property != null ? property : "target/panama-shm.jar");
        Path file = jar.resolveSibling(jar.getFileName().toString().replace(".jar", "-" + classifier + ".jar"));
        assertTrue(Files.isRegularFile(file), file + " is missing: package attaches it");
        return file;
    }

    private static String entry(JarFile jar, String name) {
        var e = jar.getJarEntry(name);
        assertNotNull(e, name + " is missing from " + jar.getName());
        try {
            return new String(jar.getInputStream(e).readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
    }

    @Test
    @DisplayName("the sources jar holds the sources of every package, module-info included")
    void theSourcesJarHoldsTheSources() throws Exception {
        try (JarFile sources = new JarFile(attached("sources").toFile())) {
            assertTrue(entry(sources, "module-info.java").contains("module io.github.panamashm"));
            entry(sources, "io/github/panamashm/SharedMemory.java");
            entry(sources, "io/github/panamashm/testing/ChildJvm.java");
            entry(sources, "io/github/panamashm/internal/linux/LinuxBackend.java");
        }
    }

    @Test
    @DisplayName("the javadoc jar has an overview, a page for each exported package, and a footer that states the"
            + " Apache licence, not \"All rights reserved\"")
    void theJavadocJarHasOverviewPackagePagesAndTheLicenceFooter() throws Exception {
        try (JarFile javadoc = new JarFile(attached("javadoc").toFile())) {
            String overview = entry(javadoc, "index.html");
            assertTrue(overview.contains("Named, cross-process shared memory for Java 22"), "no overview text");
            String api = entry(javadoc, "io.github.panamashm/io/github/panamashm/package-summary.html");
            assertTrue(api.contains("Named blocks of memory shared between processes"), "no package page text");
            String testing = entry(javadoc, "io.github.panamashm/io/github/panamashm/testing/package-summary.html");
            assertTrue(testing.contains("Support for users' multi-process tests"), "no package page text");
            String footer = entry(javadoc, "io.github.panamashm/io/github/panamashm/SharedMemory.html");
            assertTrue(footer.contains("Licensed under the <a href=\"https://www.apache.org/licenses/LICENSE-2.0\">"
                    + "Apache License, Version 2.0</a>"), "no licence in the footer");
            assertFalse(footer.contains("All rights reserved"));
            assertFalse(javadoc.stream().anyMatch(e -> e.getName().contains("/internal/")), "internal packages shown");
        }
    }

    @Test
    @DisplayName("every exception the javadoc lists under Throws has a description")
    void everyThrowsHasADescription() throws Exception {
        List<String> bare = new ArrayList<>();
        int checked = 0;
        try (JarFile javadoc = new JarFile(attached("javadoc").toFile())) {
            for (var e : javadoc.stream().toList()) {
                if (!e.getName().endsWith(".html") || e.getName().contains("class-use")) {
                    continue;
                }
                Matcher section = THROWS.matcher(entry(javadoc, e.getName()));
                while (section.find()) {
                    Matcher dd = ENTRY.matcher(section.group(1));
                    while (dd.find()) {
                        String text = dd.group(1).replaceAll("<[^>]+>", "").strip();
                        checked++;
                        if (!text.contains(" - ")) { // javadoc writes "Type - description"
                            bare.add(e.getName() + ": " + text);
                        }
                    }
                }
            }
        }
        assertTrue(checked > 20, "found only " + checked + " Throws entries");
        assertEquals(List.of(), bare);
    }

    @Test
    @DisplayName("the POM carries what Maven Central requires: name, description, url, licence, developers, scm")
    void thePomCarriesCentralsRequiredMetadata() throws Exception {
        String pom = Files.readString(Path.of("pom.xml"));
        String project = pom.substring(0, pom.indexOf("<properties>")); // the metadata comes first
        for (String field : List.of("groupId", "artifactId", "version", "name", "description")) {
            assertTrue(Pattern.compile("\n  <" + field + ">[^<]+</" + field + ">").matcher(project).find(), field);
        }
        assertTrue(project.contains("\n  <url>https://github.com/panama-shm/panama-shm</url>"), "url");
        assertTrue(section(project, "licenses").contains("<name>Apache-2.0</name>")
                && section(project, "licenses").contains("<url>https://www.apache.org/licenses/LICENSE-2.0</url>"));
        assertTrue(Pattern.compile("<developer>.*<name>[^<]+</name>.*</developer>", Pattern.DOTALL)
                .matcher(section(project, "developers")).find(), "a developer needs a name");
        String scm = section(project, "scm");
        assertTrue(scm.contains("<connection>scm:git:https://github.com/panama-shm/panama-shm.git</connection>"), scm);
        assertTrue(scm.contains("<developerConnection>scm:git:"), scm);
        assertTrue(scm.contains("<url>https://github.com/panama-shm/panama-shm</url>"), scm);
    }

    /** The text between {@code <tag>} and {@code </tag>}. */
    private static String section(String xml, String tag) {
        int start = xml.indexOf("<" + tag + ">");
        int end = xml.indexOf("</" + tag + ">");
        assertTrue(start >= 0 && end > start, "no <" + tag + "> in the POM");
        return xml.substring(start, end);
    }
}
