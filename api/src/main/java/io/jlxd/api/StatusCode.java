package io.jlxd.api;

import java.util.Arrays;

/** LXD's stable status codes: 100-199 are states, 200-399 success, 400-599 failure. */
public enum StatusCode {
    OPERATION_CREATED(100, "Operation created"),
    STARTED(101, "Started"),
    STOPPED(102, "Stopped"),
    RUNNING(103, "Running"),
    CANCELLING(104, "Cancelling"),
    PENDING(105, "Pending"),
    STARTING(106, "Starting"),
    STOPPING(107, "Stopping"),
    ABORTING(108, "Aborting"),
    FREEZING(109, "Freezing"),
    FROZEN(110, "Frozen"),
    THAWED(111, "Thawed"),
    ERROR(112, "Error"),
    READY(113, "Ready"),
    SUCCESS(200, "Success"),
    FAILURE(400, "Failure"),
    CANCELLED(401, "Cancelled");

    private final int code;
    private final String text;

    StatusCode(int code, String text) {
        this.code = code;
        this.text = text;
    }

    public int code() {
        return code;
    }

    public String text() {
        return text;
    }

    /** True for the states an operation never leaves. */
    public boolean isFinal() {
        return code >= 200;
    }

    public static StatusCode of(int code) {
        return Arrays.stream(values()).filter(s -> s.code == code).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown status code " + code));
    }

    public static StatusCode ofText(String text) {
        return Arrays.stream(values()).filter(s -> s.text.equalsIgnoreCase(text)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown status " + text));
    }
}
