package io.jlxd.api.image;

/** An alias ({@code /1.0/images/aliases/{name}}). */
public record ImageAliasesEntry(String name, String description, String target, String type) {
}
