import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassFileVersion;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Build step of client-cli (run by the JDK source launcher from the pom): rewrites the classes of a jar compiled
 * for Java 5 or older (class file version below 50, as picocli is) to version 52 with regenerated stack map frames,
 * in place. The code is unchanged, but such classes can then be stored in the JDK's AOT cache: the cache refuses
 * pre-Java-6 classes that were linked during training ("Old class has been linked"), and picocli is most of jlxc's
 * start-up work. Every rewritten class must pass the ClassFile API's verifier, otherwise it is kept as it was.
 * Idempotent: classes already at version 50 or above are copied unchanged.
 *
 * Usage: java UpgradeBytecode.java JAR...
 */
public final class UpgradeBytecode {
    private static final int TARGET = ClassFile.JAVA_8_VERSION;

    public static void main(String[] args) throws IOException {
        for (String arg : args) {
            upgrade(Path.of(arg));
        }
    }

    private static void upgrade(Path jar) throws IOException {
        Path tmp = Files.createTempFile(jar.getParent(), jar.getFileName().toString(), ".tmp");
        int upgraded = 0;
        int kept = 0;
        try (URLClassLoader classes = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null);
             ZipInputStream in = new ZipInputStream(Files.newInputStream(jar));
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(tmp))) {
            ClassFile cf = ClassFile.of(ClassFile.StackMapsOption.GENERATE_STACK_MAPS,
                    ClassFile.ClassHierarchyResolverOption.of(ClassHierarchyResolver.ofResourceParsing(classes)
                            .orElse(ClassHierarchyResolver.defaultResolver())));
            ZipEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                byte[] data = in.readAllBytes();
                if (entry.getName().endsWith(".class") && !entry.getName().endsWith("module-info.class")) {
                    ClassModel model = cf.parse(data);
                    if (model.majorVersion() < ClassFile.JAVA_6_VERSION) {
                        byte[] rewritten = rewrite(cf, model);
                        if (rewritten != null) {
                            data = rewritten;
                            upgraded++;
                        } else {
                            kept++;
                            System.err.println("UpgradeBytecode: kept " + entry.getName() + " as it was");
                        }
                    }
                }
                ZipEntry copy = new ZipEntry(entry.getName());
                copy.setTime(entry.getTime());
                out.putNextEntry(copy);
                out.write(data);
                out.closeEntry();
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        if (upgraded == 0) {
            Files.delete(tmp);
        } else {
            Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        if (upgraded + kept > 0) {
            System.out.println("UpgradeBytecode: " + jar.getFileName() + ": " + upgraded
                    + " classes upgraded to version " + TARGET + (kept > 0 ? ", " + kept + " kept" : ""));
        }
    }

    /** The class at version 52 with every method body re-emitted (which computes stack maps), or null. */
    private static byte[] rewrite(ClassFile cf, ClassModel model) {
        try {
            ClassTransform version = (builder, element) -> {
                if (element instanceof ClassFileVersion) {
                    builder.with(ClassFileVersion.of(TARGET, 0));
                } else {
                    builder.with(element);
                }
            };
            byte[] bytes = cf.transformClass(model,
                    version.andThen(ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL)));
            return cf.verify(bytes).isEmpty() ? bytes : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private UpgradeBytecode() {
    }
}
