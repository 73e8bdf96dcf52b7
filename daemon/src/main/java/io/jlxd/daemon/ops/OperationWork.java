package io.jlxd.daemon.ops;

/** The body of a task operation. Throwing fails the operation with the exception's message. */
@FunctionalInterface
public interface OperationWork {
    /** Runs the work; returns metadata to merge into the operation's on success (or null). */
    java.util.Map<String, Object> run(OperationContext ctx) throws Exception;
}
