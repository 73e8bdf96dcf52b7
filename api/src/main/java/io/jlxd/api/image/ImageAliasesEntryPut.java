package io.jlxd.api.image;

/** The writable fields of an alias (PUT/PATCH): description and target. */
public record ImageAliasesEntryPut(String description, String target) {
}
