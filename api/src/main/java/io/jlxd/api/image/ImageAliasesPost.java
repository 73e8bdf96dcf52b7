package io.jlxd.api.image;

/** Create an alias ({@code POST /1.0/images/aliases}): name, target fingerprint, description, type. */
public record ImageAliasesPost(String name, String description, String target, String type) {
}
