package io.jlxd.daemon.instance.driver;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A neutral description of a system container, from which {@link LxcConfig} generates the LXC config. The
 * instances layer fills it from the instance's expanded config ({@code security.privileged},
 * {@code environment.*}, {@code limits.*}, {@code raw.lxc}, {@code security.nesting}, ...).
 *
 * @param name        LXC container name: directory under the lxcpath and cgroup name ({@code lxc.payload.NAME});
 *                    letters, digits, {@code _ . -}, at most 100 characters (the instances layer may prefix the
 *                    project: {@code proj_c1})
 * @param hostname    the container's host name ({@code lxc.uts.name}), an RFC 1123 label
 * @param rootfs      absolute path of the root filesystem, a plain directory (mount overlays yourself: an
 *                    {@code overlay:} rootfs breaks CRIU restore). For an unprivileged container it must already be
 *                    shifted ({@link RootfsShifter}) and every parent directory must be searchable by the mapped root
 * @param idmap       the id map of an unprivileged container, or {@code null} for a privileged one
 * @param init        the init command and its arguments (liblxc splits {@code lxc.init.cmd} on spaces, so no
 *                    argument may contain white space)
 * @param haltSignal  signal that asks init to shut down ({@code lxc.signal.halt}): {@link #HALT_SYSTEMD},
 *                    {@link #HALT_BUSYBOX}, {@link #HALT_SYSVINIT} or another {@code SIG...} name or number
 * @param environment environment of init ({@code lxc.environment}); exec gets its own
 * @param limits      cgroup limits
 * @param rawLxc      extra LXC config lines ({@code raw.lxc}), appended last; some keys are refused, see
 *                    {@link LxcConfig#FORBIDDEN_RAW_PREFIXES}
 * @param nesting     allow LXC inside the container ({@code security.nesting})
 * @param console     give the container a console pty owned by its monitor, logged to {@code console.log}
 *                    ({@code migration.stateful=false}); such a container cannot be checkpointed
 * @param nics        veth NICs, in order ({@code lxc.net.0}, ...); none: a loopback-only network namespace
 */
public record ContainerSpec(String name, String hostname, Path rootfs, IdMap idmap, List<String> init,
        String haltSignal, Map<String, String> environment, Limits limits, List<String> rawLxc, boolean nesting,
        boolean console, List<NicSpec> nics) {

    public ContainerSpec(String name, String hostname, Path rootfs, IdMap idmap, List<String> init, String haltSignal,
                         Map<String, String> environment, Limits limits, List<String> rawLxc, boolean nesting, boolean console) {
        this(name, hostname, rootfs, idmap, init, haltSignal, environment, limits, rawLxc, nesting, console, List.of());
    }

    /** Without a console (checkpointable). */
    public ContainerSpec(String name, String hostname, Path rootfs, IdMap idmap, List<String> init, String haltSignal,
                         Map<String, String> environment, Limits limits, List<String> rawLxc, boolean nesting) {
        this(name, hostname, rootfs, idmap, init, haltSignal, environment, limits, rawLxc, nesting, false);
    }

    /** systemd: SIGRTMIN+3 = halt.target (SIGPWR would only be a power-failure notification). */
    public static final String HALT_SYSTEMD = "SIGRTMIN+3";
    /** busybox init: SIGUSR1 = halt, SIGUSR2 = poweroff, SIGTERM = reboot (both USR1/USR2 end the container). */
    public static final String HALT_BUSYBOX = "SIGUSR1";
    /** sysvinit and liblxc's default. */
    public static final String HALT_SYSVINIT = "SIGPWR";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}");
    private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern SIGNAL = Pattern.compile("SIG[A-Z0-9]+|SIGRTMIN\\+\\d{1,2}|SIGRTMAX-\\d{1,2}|\\d{1,2}");
    private static final Pattern ENV_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    public ContainerSpec {
        requireName(name);
        hostname = hostname == null ? name : hostname;
        if (!HOSTNAME.matcher(hostname).matches()) {
            throw new IllegalArgumentException("invalid host name: " + hostname);
        }
        Objects.requireNonNull(rootfs, "rootfs");
        if (!rootfs.isAbsolute()) {
            throw new IllegalArgumentException("rootfs must be an absolute path: " + rootfs);
        }
        LxcConfig.requireValue("rootfs", rootfs.toString());
        init = List.copyOf(init == null || init.isEmpty() ? List.of("/sbin/init") : init);
        for (String arg : init) {
            if (arg.isEmpty() || arg.chars().anyMatch(Character::isWhitespace) || arg.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("init arguments may not be empty or contain white space: '" + arg + "'");
            }
        }
        if (!init.getFirst().startsWith("/")) {
            throw new IllegalArgumentException("init must be an absolute path: " + init.getFirst());
        }
        haltSignal = haltSignal == null ? HALT_SYSVINIT : haltSignal;
        if (!SIGNAL.matcher(haltSignal).matches()) {
            throw new IllegalArgumentException("invalid halt signal: " + haltSignal);
        }
        environment = environment == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(environment));
        environment.forEach((k, v) -> {
            if (!ENV_KEY.matcher(k).matches()) {
                throw new IllegalArgumentException("invalid environment variable name: " + k);
            }
            LxcConfig.requireValue("environment." + k, v);
            if (!v.isEmpty() && Character.isWhitespace(v.charAt(v.length() - 1))) {
                // liblxc trims the end of every config value
                throw new IllegalArgumentException("environment." + k + " may not end with white space");
            }
        });
        limits = limits == null ? Limits.NONE : limits;
        rawLxc = List.copyOf(rawLxc == null ? List.of() : rawLxc);
        nics = List.copyOf(nics == null ? List.of() : nics);
        if (nics.stream().map(NicSpec::name).distinct().count() != nics.size()) {
            throw new IllegalArgumentException("two NICs with one name inside the container");
        }
        if (nics.stream().map(NicSpec::hostName).distinct().count() != nics.size()) {
            throw new IllegalArgumentException("two NICs with one host-side name");
        }
    }

    /**
     * Checks an LXC container name (it becomes a directory and a cgroup name): letters, digits, {@code _ . -},
     * starting with a letter or digit, at most 100 characters.
     */
    public static String requireName(String name) {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches() || name.contains("..")) {
            throw new IllegalArgumentException("invalid container name: " + name);
        }
        return name;
    }

    /** No user namespace: container root is host root. */
    public boolean privileged() {
        return idmap == null;
    }

    public static Builder builder(String name, Path rootfs) {
        return new Builder(name, rootfs);
    }

    /** Builds a {@link ContainerSpec}; defaults: privileged, {@code /sbin/init}, SIGPWR, no limits. */
    public static final class Builder {
        private final String name;
        private final Path rootfs;
        private String hostname;
        private IdMap idmap;
        private List<String> init = List.of("/sbin/init");
        private String haltSignal = HALT_SYSVINIT;
        private final Map<String, String> environment = new LinkedHashMap<>();
        private Limits limits = Limits.NONE;
        private final List<String> rawLxc = new ArrayList<>();
        private boolean nesting;
        private boolean console;
        private final List<NicSpec> nics = new ArrayList<>();

        private Builder(String name, Path rootfs) {
            this.name = name;
            this.rootfs = rootfs;
        }

        public Builder hostname(String value) {
            hostname = value;
            return this;
        }

        /** Unprivileged with this map ({@code null} = privileged). */
        public Builder idmap(IdMap value) {
            idmap = value;
            return this;
        }

        public Builder init(List<String> value) {
            init = value;
            return this;
        }

        public Builder init(String... value) {
            return init(List.of(value));
        }

        public Builder haltSignal(String value) {
            haltSignal = value;
            return this;
        }

        public Builder env(String key, String value) {
            environment.put(key, value);
            return this;
        }

        public Builder environment(Map<String, String> value) {
            environment.putAll(value);
            return this;
        }

        public Builder limits(Limits value) {
            limits = value;
            return this;
        }

        public Builder rawLxc(String line) {
            rawLxc.add(line);
            return this;
        }

        public Builder rawLxc(List<String> lines) {
            rawLxc.addAll(lines);
            return this;
        }

        public Builder nesting(boolean value) {
            nesting = value;
            return this;
        }

        /** A console pty (not checkpointable). */
        public Builder console(boolean value) {
            console = value;
            return this;
        }

        public Builder nics(List<NicSpec> value) {
            nics.addAll(value);
            return this;
        }

        public ContainerSpec build() {
            return new ContainerSpec(name, hostname, rootfs, idmap, init, haltSignal, environment, limits, rawLxc, nesting, console, nics);
        }
    }
}
