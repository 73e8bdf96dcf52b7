package io.jlxd.cli.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * YAML output close to what lxc (Go yaml.v2) prints: no document marker, quotes only where needed (numbers-like
 * strings such as "1.0" stay quoted), multi-line strings as literal blocks, list items not indented.
 */
public final class Yaml {
    private Yaml() {
    }

    /** Renders a JSON tree as YAML, ending with a newline. */
    public static String render(JsonNode node) {
        try {
            return Holder.MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render YAML", e);
        }
    }

    /** Parses YAML text (as written by an editor) into a JSON tree; null for an empty document. */
    public static JsonNode parse(String text) throws java.io.IOException {
        return Holder.MAPPER.readTree(text);
    }

    /** Built on first use: SnakeYAML is only loaded by commands that print YAML. */
    private static final class Holder {
        static final YAMLMapper MAPPER = new YAMLMapper(YAMLFactory.builder()
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
                .build());
    }
}
