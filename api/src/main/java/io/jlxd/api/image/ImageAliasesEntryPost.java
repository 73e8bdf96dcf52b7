package io.jlxd.api.image;

/** Rename an alias ({@code POST /1.0/images/aliases/{name}}). */
public record ImageAliasesEntryPost(String name) {
}
