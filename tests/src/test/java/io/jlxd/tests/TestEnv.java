package io.jlxd.tests;

import java.nio.file.Files;
import java.nio.file.Path;

/** The system properties surefire passes to the end-to-end tests (see tests/pom.xml). */
public final class TestEnv {
    private TestEnv() {
    }

    /** The daemon jar ({@code jlxd.jar}). */
    public static Path daemonJar() {
        return existing("jlxd.jar");
    }

    /** The CLI jar ({@code jlxc.jar}). */
    public static Path cliJar() {
        return existing("jlxc.jar");
    }

    /** openapi.yaml ({@code jlxd.openapi}). */
    public static Path openApi() {
        return existing("jlxd.openapi");
    }

    /** The java launcher for the daemon and the CLI ({@code jlxd.java}), JDK 25. */
    public static String java() {
        String java = System.getProperty("jlxd.java");
        if (java == null || java.isBlank()) {
            return Path.of(System.getProperty("java.home"), "bin", "java").toString();
        }
        return java;
    }

    private static Path existing(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + property + " is not set (run the tests through maven: mvn -pl tests test)");
        }
        Path p = Path.of(value).toAbsolutePath().normalize();
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException(property + " = " + p + " does not exist: build it first (mvn -B -q -DskipTests install)");
        }
        return p;
    }
}
