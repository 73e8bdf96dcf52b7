package io.jlxd.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The JSON mappers shared by the daemon and the client. Field names are LXD's snake_case; timestamps are
 * RFC 3339 strings. The strict mapper refuses unknown properties (the daemon parses request bodies with it),
 * the lenient one ignores them (clients must accept fields added by newer API extensions).
 */
public final class Json {
    private Json() {
    }

    /** Built on first use only: a CLI call needs just the lenient one, and building a mapper costs start-up time. */
    private static final class Strict {
        static final ObjectMapper MAPPER = build(true);
    }

    private static final class Lenient {
        static final ObjectMapper MAPPER = build(false);
    }

    public static ObjectMapper strict() {
        return Strict.MAPPER;
    }

    public static ObjectMapper lenient() {
        return Lenient.MAPPER;
    }

    private static ObjectMapper build(boolean strict) {
        return JsonMapper.builder()
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, strict)
                .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, strict)
                .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true)
                .serializationInclusion(JsonInclude.Include.ALWAYS)
                .build();
    }
}
