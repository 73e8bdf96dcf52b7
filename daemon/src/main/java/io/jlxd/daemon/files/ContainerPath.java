package io.jlxd.daemon.files;

import java.util.ArrayList;
import java.util.List;

/**
 * A path inside a container as the files API takes it: absolute, no NUL, at most 4095 bytes; split into its
 * components without "" and "." ({@code ".."} is kept: the kernel resolves it, inside the root).
 *
 * @param text the path as given
 * @param components its components
 */
public record ContainerPath(String text, List<String> components) {
    public ContainerPath {
        components = List.copyOf(components);
    }

    /** @throws IllegalArgumentException with a message for a 400 */
    public static ContainerPath parse(String path) {
        if (path == null || path.isEmpty()) {
            throw new IllegalArgumentException("Missing \"path\" query parameter");
        }
        if (path.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("Invalid path: it contains a NUL character");
        }
        // a relative path is relative to the container's root, as LXD takes it (lxc 5.0 sends "root/x" for c1/root/x)
        if (path.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 4095) {
            throw new IllegalArgumentException("Invalid path: longer than 4095 bytes");
        }
        List<String> out = new ArrayList<>();
        for (String c : path.split("/")) {
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 255) {
                throw new IllegalArgumentException("Invalid path: a component is longer than 255 bytes");
            }
            out.add(c);
        }
        return new ContainerPath(path, out);
    }

    /** Whether this names the root directory itself. */
    public boolean isRoot() {
        return components.isEmpty();
    }

    /** The last component ("" for the root). */
    public String name() {
        return components.isEmpty() ? "" : components.getLast();
    }

    /** The parent as a path relative to the root ("." for the root's children). */
    String parentRelative() {
        return components.size() <= 1 ? "." : String.join("/", components.subList(0, components.size() - 1));
    }

    /** The whole path relative to the root ("." for the root). */
    String relative() {
        return components.isEmpty() ? "." : String.join("/", components);
    }

    /** The parent path, absolute ("/" for the root's children). */
    public String parentText() {
        return components.size() <= 1 ? "/" : "/" + String.join("/", components.subList(0, components.size() - 1));
    }
}
