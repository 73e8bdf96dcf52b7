package io.jlxd.cli.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.jlxd.api.Json;

/**
 * JSON text as lxc prints it: compact (one line) for {@code --format json}, and Go's {@code MarshalIndent} style
 * for {@code lxc query}: tab indentation, {@code "key": value}, empty containers as {@code []} and {@code {}}.
 */
public final class JsonText {
    private static final ObjectWriter PRETTY;

    static {
        DefaultIndenter tab = new DefaultIndenter("\t", "\n");
        Separators separators = Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                .withObjectEmptySeparator("")
                .withArrayEmptySeparator("");
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withSeparators(separators)
                .withObjectIndenter(tab)
                .withArrayIndenter(tab);
        PRETTY = Json.lenient().writer(printer);
    }

    private JsonText() {
    }

    public static String pretty(JsonNode node) {
        try {
            return PRETTY.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render JSON", e);
        }
    }

    public static String compact(JsonNode node) {
        try {
            return Json.lenient().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render JSON", e);
        }
    }
}
