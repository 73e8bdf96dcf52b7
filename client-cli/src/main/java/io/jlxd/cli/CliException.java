package io.jlxd.cli;

/** A user-facing failure: printed as {@code Error: <message>}, exit code 1. */
public class CliException extends RuntimeException {
    public CliException(String message) {
        super(message);
    }
}
