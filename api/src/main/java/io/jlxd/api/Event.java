package io.jlxd.api;

import java.time.OffsetDateTime;

/** One message on {@code /1.0/events}: type is operation, lifecycle or logging. */
public record Event(String type, OffsetDateTime timestamp, String location, String project, Object metadata) {
    public static final String OPERATION = "operation";
    public static final String LIFECYCLE = "lifecycle";
    public static final String LOGGING = "logging";
}
