package io.jlxd.api.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/configuration.md is the rendering of the schemas: adding a key without documenting it fails here. */
class ConfigDocsTest {
    @Test
    void documentationMatchesTheSchemas() throws Exception {
        Path doc = Path.of(System.getProperty("jlxd.docs", "../docs")).resolve("configuration.md");
        assertEquals(ConfigDocs.render(ConfigDocs.SCHEMAS), Files.readString(doc),
                "docs/configuration.md is stale: regenerate with java -cp api/target/classes io.jlxd.api.config.ConfigDocs > docs/configuration.md");
    }
}
