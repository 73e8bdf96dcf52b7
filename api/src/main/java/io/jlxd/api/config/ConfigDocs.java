package io.jlxd.api.config;

import java.util.List;

/**
 * Renders docs/configuration.md from the schemas, so that the documentation lists exactly the keys the daemon
 * accepts. {@code ConfigDocsTest} fails when the committed file differs; regenerate it with
 * {@code java -cp api/target/classes io.jlxd.api.config.ConfigDocs > docs/configuration.md}.
 */
public final class ConfigDocs {
    /** Every schema, in the order of docs/configuration.md. */
    public static final List<ConfigSchema> SCHEMAS = List.of(ServerConfigKeys.SCHEMA, InstanceConfigKeys.SCHEMA,
            StorageConfigKeys.POOL, StorageConfigKeys.VOLUME, DeviceConfigKeys.NIC, DeviceConfigKeys.PROXY,
            NetworkConfigKeys.BRIDGE, NetworkConfigKeys.FORWARD, ProjectConfigKeys.SCHEMA);

    private ConfigDocs() {
    }

    public static String render(List<ConfigSchema> schemas) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Configuration keys\n\n");
        sb.append("Generated from the schemas in `api/src/main/java/io/jlxd/api/config` (see `ConfigDocs`): these are\n");
        sb.append("exactly the keys the daemon accepts. Any other key is refused with 400 and nothing changes. An empty\n");
        sb.append("value unsets a key. A key ending in `.*` is a namespace: any key below it is accepted.\n");
        for (ConfigSchema schema : schemas) {
            sb.append("\n## ").append(Character.toUpperCase(schema.scope().charAt(0))).append(schema.scope().substring(1))
                    .append(" configuration\n\n");
            sb.append("| key | type | default | description |\n|---|---|---|---|\n");
            for (ConfigKey k : schema.keys()) {
                sb.append("| `").append(k.name()).append("` | ").append(k.type().name().toLowerCase().replace('_', ' '))
                        .append(" | ").append(k.defaultValue().isEmpty() ? "" : "`" + k.defaultValue() + "`")
                        .append(" | ").append(k.description().replace("|", "\\|")).append(" |\n");
            }
        }
        return sb.toString();
    }

    public static void main(String[] args) {
        System.out.print(render(SCHEMAS));
    }
}
