package io.jlxd.api.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A set of documented keys; validates whole config maps before anything is stored. */
public record ConfigSchema(String scope, List<ConfigKey> keys) {

    public Optional<ConfigKey> find(String key) {
        return keys.stream().filter(k -> k.matches(key)).findFirst();
    }

    /** Checks every key and value; throws on the first problem, naming the key. */
    public void validate(Map<String, String> config) {
        if (config == null) {
            return;
        }
        for (Map.Entry<String, String> e : config.entrySet()) {
            String key = e.getKey();
            ConfigKey def = find(key).orElseThrow(() -> new ConfigException("Unknown " + scope + " configuration key \"" + key + "\""));
            if (e.getValue() == null) {
                throw new ConfigException("Invalid value for \"" + key + "\": null (use \"\" to unset a key)");
            }
            def.type().validate(key, e.getValue());
        }
    }
}
