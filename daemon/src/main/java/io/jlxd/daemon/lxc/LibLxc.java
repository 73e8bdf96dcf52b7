package io.jlxd.daemon.lxc;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * liblxc through the Foreign Function &amp; Memory API. Only calls that do not fork the caller belong here
 * (version, config, state, freeze, stop); start and attach fork, so they go through lxc-start / lxc-attach.
 *
 * <p>The container handle ({@code struct lxc_container} and its function pointers) is bound in
 * {@code io.jlxd.daemon.instance.driver.LiblxcContainer}, which looks its entry points up through
 * {@link #function(String, FunctionDescriptor)}.
 */
public final class LibLxc {
    public static final String LIBRARY = "liblxc.so.1";
    private static final Linker LINKER = Linker.nativeLinker();
    private static volatile Optional<SymbolLookup> lookup;

    private LibLxc() {
    }

    /** The library, or empty when liblxc is not installed. */
    static Optional<SymbolLookup> library() {
        Optional<SymbolLookup> l = lookup;
        if (l == null) {
            synchronized (LibLxc.class) {
                if (lookup == null) {
                    try {
                        lookup = Optional.of(SymbolLookup.libraryLookup(LIBRARY, Arena.global()));
                    } catch (IllegalArgumentException e) {
                        lookup = Optional.empty();
                    }
                }
                l = lookup;
            }
        }
        return l;
    }

    /** Whether liblxc could be loaded. */
    public static boolean available() {
        return library().isPresent();
    }

    /**
     * A downcall handle for the exported liblxc function {@code name}.
     *
     * @throws IllegalStateException when liblxc is not installed or does not export {@code name}
     */
    public static MethodHandle function(String name, FunctionDescriptor descriptor) {
        SymbolLookup lib = library().orElseThrow(() -> new IllegalStateException(LIBRARY + " is not installed"));
        MemorySegment sym = lib.find(name).orElseThrow(() -> new IllegalStateException(LIBRARY + " has no symbol " + name));
        return LINKER.downcallHandle(sym, descriptor);
    }

    /** {@code lxc_get_version()}: "5.0.2", or empty when liblxc is missing. */
    public static Optional<String> version() {
        return library().flatMap(lib -> lib.find("lxc_get_version")).map(sym -> {
            MethodHandle h = LINKER.downcallHandle(sym, FunctionDescriptor.of(ValueLayout.ADDRESS));
            try {
                MemorySegment s = (MemorySegment) h.invokeExact();
                return s.reinterpret(256).getString(0);
            } catch (Throwable t) {
                throw new IllegalStateException("lxc_get_version failed", t);
            }
        });
    }

    /** {@code lxc_has_api_extension(name)}: whether this liblxc has the named feature; false when liblxc is missing. */
    public static boolean hasApiExtension(String name) {
        return library().flatMap(lib -> lib.find("lxc_has_api_extension")).map(sym -> {
            MethodHandle h = LINKER.downcallHandle(sym, FunctionDescriptor.of(ValueLayout.JAVA_BOOLEAN, ValueLayout.ADDRESS));
            try (Arena arena = Arena.ofConfined()) {
                return (boolean) h.invokeExact(arena.allocateFrom(name));
            } catch (Throwable t) {
                throw new IllegalStateException("lxc_has_api_extension failed", t);
            }
        }).orElse(false);
    }
}
