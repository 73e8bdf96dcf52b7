package io.jlxd.api.config;

import java.util.Objects;

/**
 * One documented configuration key. A key whose name ends in {@code .*} is a namespace: any key under it
 * (for example {@code user.foo}) matches.
 *
 * @param name        key, or namespace ending in ".*"
 * @param type        value type, which also validates
 * @param defaultValue value used when unset, or "" for none
 * @param description one line for docs and {@code jlxc config} help
 */
public record ConfigKey(String name, ValueType type, String defaultValue, String description) {

    public ConfigKey {
        Objects.requireNonNull(name);
        Objects.requireNonNull(type);
        defaultValue = defaultValue == null ? "" : defaultValue;
    }

    public boolean isNamespace() {
        return name.endsWith(".*");
    }

    public boolean matches(String key) {
        if (isNamespace()) {
            String prefix = name.substring(0, name.length() - 1);
            return key.startsWith(prefix) && key.length() > prefix.length();
        }
        return name.equals(key);
    }
}
