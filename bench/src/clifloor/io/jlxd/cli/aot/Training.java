package io.jlxd.cli.aot;

/** The floor's AOT training run (scripts/build-cli-aot.sh with the floor jar): the program itself. */
public final class Training {
    public static void main(String[] args) {
        io.jlxd.cli.Main.main(args);
        System.out.println("jlxc AOT training: 1 command runs");
    }
}
