package io.jlxd.tests;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.Response;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.MessageResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.atlassian.oai.validator.schema.SchemaValidator;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * openapi.yaml as a checker of request/response pairs. Every validation message is an error: an undocumented path,
 * method or status code, a missing required field, a wrong type or enum value, a missing documented header.
 */
public final class OpenApiContract {
    private static volatile OpenApiContract instance;

    private final Path file;
    private final OpenAPI api;
    private final OpenApiInteractionValidator validator;
    private final SchemaValidator schemaValidator;

    private OpenApiContract(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("openapi.yaml not found at " + file);
        }
        this.file = file;
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult parsed = new OpenAPIV3Parser().readLocation(file.toUri().toString(), null, options);
        if (parsed.getOpenAPI() == null || (parsed.getMessages() != null && !parsed.getMessages().isEmpty())) {
            throw new IllegalStateException("openapi.yaml does not parse: " + parsed.getMessages());
        }
        this.api = parsed.getOpenAPI();
        // Everything is an error, except that the validator must not inject "additionalProperties: false" into
        // schemas that do not say so (that would forbid metadata growth and break allOf compositions); explicit
        // "additionalProperties: false" (the envelopes, request bodies) is still enforced.
        LevelResolver levels = LevelResolver.create()
                .withDefaultLevel(ValidationReport.Level.ERROR)
                .withLevel(SchemaValidator.ADDITIONAL_PROPERTIES_KEY, ValidationReport.Level.IGNORE)
                .build();
        this.validator = OpenApiInteractionValidator.createForSpecificationUrl(file.toUri().toString())
                .withLevelResolver(levels)
                .build();
        this.schemaValidator = new SchemaValidator(api, new MessageResolver(levels));
    }

    /** The contract of this build ({@code jlxd.openapi}), loaded once. */
    public static OpenApiContract get() {
        OpenApiContract c = instance;
        if (c == null) {
            synchronized (OpenApiContract.class) {
                c = instance;
                if (c == null) {
                    c = instance = load(TestEnv.openApi());
                }
            }
        }
        return c;
    }

    public static OpenApiContract load(Path file) {
        return new OpenApiContract(file);
    }

    public Path file() {
        return file;
    }

    public ValidationReport validate(Request request, Response response) {
        return validator.validate(request, response);
    }

    public ValidationReport validateRequest(Request request) {
        return validator.validateRequest(request);
    }

    public ValidationReport validateResponse(String path, Request.Method method, Response response) {
        return validator.validateResponse(path, method, response);
    }

    /** Validates a JSON document against {@code #/components/schemas/<name>}. */
    public ValidationReport validateSchema(String json, String schemaName) {
        Schema<?> schema = api.getComponents().getSchemas().get(schemaName);
        if (schema == null) {
            throw new IllegalArgumentException("no schema " + schemaName + " in " + file);
        }
        return schemaValidator.validate(json, schema, "validation.schema");
    }

    /** The schema of {@code #/components/responses/<name>}'s JSON body. */
    public Schema<?> responseSchema(String responseName) {
        var response = api.getComponents().getResponses().get(responseName);
        if (response == null) {
            throw new IllegalArgumentException("no response " + responseName + " in " + file);
        }
        return response.getContent().get("application/json").getSchema();
    }

    public ValidationReport validateBody(String json, Schema<?> schema) {
        return schemaValidator.validate(json, schema, "validation.response.body");
    }

    public static List<ValidationReport.Message> errors(ValidationReport report) {
        return report.getMessages().stream()
                .filter(m -> m.getLevel() == ValidationReport.Level.ERROR)
                .collect(Collectors.toList());
    }

    /** A readable multi-line rendering of the error messages of a report, nested causes included. */
    public static String describe(List<ValidationReport.Message> messages) {
        StringBuilder sb = new StringBuilder();
        for (ValidationReport.Message m : messages) {
            sb.append("  - [").append(m.getKey()).append("] ").append(m.getMessage()).append('\n');
            for (String info : m.getAdditionalInfo()) {
                sb.append("      ").append(info).append('\n');
            }
            nested(sb, m.getNestedMessages(), "      * ", 0);
        }
        return sb.toString();
    }

    private static void nested(StringBuilder sb, List<ValidationReport.Message> messages, String indent, int depth) {
        if (depth > 8) {
            return;
        }
        for (ValidationReport.Message n : messages) {
            sb.append(indent).append(n.getMessage()).append('\n');
            nested(sb, n.getNestedMessages(), "  " + indent, depth + 1);
        }
    }
}
