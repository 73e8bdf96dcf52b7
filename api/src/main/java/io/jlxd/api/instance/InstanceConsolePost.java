package io.jlxd.api.instance;

/**
 * Body of {@code POST /1.0/instances/{name}/console} (LXD's {@code InstanceConsolePost}): the terminal size and
 * the console type ({@code console}; {@code vga} is for virtual machines). {@code force} (take the console from
 * another client) is accepted and not supported yet.
 */
public record InstanceConsolePost(Integer width, Integer height, String type, Boolean force) {
}
