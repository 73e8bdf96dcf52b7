package io.jlxd.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.jlxd.cli.CliContext;
import io.jlxd.cli.CliException;
import io.jlxd.cli.output.Yaml;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * lxc's {@code edit} flow: with a terminal, the YAML goes to {@code $VISUAL}/{@code $EDITOR} (default vi) and is
 * re-opened after a parse or server error until it applies or the user gives up; without one, the YAML is read
 * from stdin and applied once.
 */
final class Editor {
    /** Applies an edited document (sends it to the server). */
    interface Apply {
        void apply(JsonNode edited) throws IOException;
    }

    private Editor() {
    }

    static void edit(CliContext ctx, String header, JsonNode current, Apply apply) throws IOException {
        if (!ctx.interactive()) {
            String text = new String(ctx.in().readAllBytes(), StandardCharsets.UTF_8);
            if (text.isBlank()) {
                throw new CliException("No YAML on stdin (run from a terminal to use an editor)");
            }
            apply.apply(parse(text));
            return;
        }
        String text = header + Yaml.render(current);
        Path file = Files.createTempFile("jlxc_editor_", ".yaml",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            BufferedReader stdin = new BufferedReader(new InputStreamReader(ctx.in(), StandardCharsets.UTF_8));
            while (true) {
                Files.writeString(file, text);
                runEditor(ctx, file);
                text = Files.readString(file);
                try {
                    apply.apply(parse(text));
                    return;
                } catch (IOException | CliException e) {
                    ctx.err().println("Config parsing error: " + e.getMessage());
                    ctx.err().println("Press enter to open the editor again or ctrl+c to abort change");
                    if (stdin.readLine() == null) {
                        throw e;
                    }
                }
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    static JsonNode parse(String text) {
        try {
            JsonNode node = Yaml.parse(text);
            if (node == null || !node.isObject()) {
                throw new CliException("the document is not a YAML mapping");
            }
            return node;
        } catch (IOException e) {
            throw new CliException(e.getMessage());
        }
    }

    private static void runEditor(CliContext ctx, Path file) throws IOException {
        String editor = ctx.env("VISUAL");
        if (editor == null || editor.isBlank()) {
            editor = ctx.env("EDITOR");
        }
        if (editor == null || editor.isBlank()) {
            editor = "vi";
        }
        List<String> cmd = new ArrayList<>(List.of(editor.strip().split("\\s+")));
        cmd.add(file.toString());
        try {
            int code = new ProcessBuilder(cmd).inheritIO().start().waitFor();
            if (code != 0) {
                throw new CliException("The editor exited with status " + code);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("Interrupted while editing");
        }
    }
}
