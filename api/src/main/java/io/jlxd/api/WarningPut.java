package io.jlxd.api;

/** The body of {@code PUT}/{@code PATCH /1.0/warnings/{uuid}}: {@code status} acknowledged or new. */
public record WarningPut(String status) {
}
