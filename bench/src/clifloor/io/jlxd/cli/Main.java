package io.jlxd.cli;

/**
 * The floor of bench/cli.sh: a one-line Java program under jlxc's own main-class name, so that the very jlxc
 * launcher (scripts/jlxc, JLXC_JAR=floor jar) starts it with the same java, flags and AOT cache handling.
 */
public final class Main {
    public static void main(String[] args) {
        System.out.println("jlxd CLI floor");
    }
}
