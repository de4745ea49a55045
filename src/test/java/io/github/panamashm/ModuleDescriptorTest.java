package io.github.panamashm;

import org.junit.jupiter.api.Test;

import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The module descriptor the build produces. */
class ModuleDescriptorTest {
    @Test
    void theModuleExportsTheApiAndTheTestingPackageAndRequiresNothingButJavaBase() throws Exception {
        Path descriptor = Path.of("target", "classes", "module-info.class");
        ModuleDescriptor d;
        try (var in = Files.newInputStream(descriptor)) {
            d = ModuleDescriptor.read(in);
        }
        assertEquals("io.github.panamashm", d.name());
        Set<String> exported = d.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
        assertEquals(Set.of("io.github.panamashm", "io.github.panamashm.testing"), exported);
        Set<String> required = d.requires().stream().map(ModuleDescriptor.Requires::name).collect(Collectors.toSet());
        assertEquals(Set.of("java.base"), required, "the artifact must bring no dependency");
    }
}
