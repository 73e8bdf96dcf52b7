package io.jlxd.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** The client's version, from the build ({@code version.properties}); also picocli's {@code --version}. */
public final class ClientVersion implements IVersionProvider {
    private static final String VERSION = load();

    public static String get() {
        return VERSION;
    }

    @Override
    public String[] getVersion() {
        return new String[] {VERSION};
    }

    private static String load() {
        // The jar's manifest (Implementation-Version, the same project version): the class loader has read it
        // already (the AOT cache even holds it), while a resource lookup opens the jar once more through a URL.
        String fromManifest = ClientVersion.class.getPackage().getImplementationVersion();
        if (fromManifest != null && !fromManifest.isEmpty()) {
            return fromManifest;
        }
        try (InputStream in = ClientVersion.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version", "");
                if (!v.isEmpty() && !v.startsWith("${")) {
                    return v;
                }
            }
        } catch (IOException ignored) {
            // fall through to "unknown"
        }
        return "unknown";
    }
}
