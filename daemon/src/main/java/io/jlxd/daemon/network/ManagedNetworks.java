package io.jlxd.daemon.network;

import static io.jlxd.api.config.NetworkConfigKeys.BRIDGE_HWADDR;
import static io.jlxd.api.config.NetworkConfigKeys.BRIDGE_MTU;
import static io.jlxd.api.config.NetworkConfigKeys.DNS_DOMAIN;
import static io.jlxd.api.config.NetworkConfigKeys.DNS_MODE;
import static io.jlxd.api.config.NetworkConfigKeys.IPV4_DHCP;
import static io.jlxd.api.config.NetworkConfigKeys.IPV4_DHCP_EXPIRY;
import static io.jlxd.api.config.NetworkConfigKeys.IPV4_DHCP_RANGES;
import static io.jlxd.api.config.NetworkConfigKeys.IPV4_NAT;
import static io.jlxd.api.config.NetworkConfigKeys.IPV6_DHCP;
import static io.jlxd.api.config.NetworkConfigKeys.IPV6_DHCP_EXPIRY;
import static io.jlxd.api.config.NetworkConfigKeys.IPV6_NAT;
import static io.jlxd.api.config.NetworkConfigKeys.RAW_DNSMASQ;

import io.jlxd.api.config.ConfigException;
import io.jlxd.daemon.db.NetworkForwardTable;
import io.jlxd.daemon.db.NetworkTable;
import io.jlxd.daemon.http.ApiException;
import io.jlxd.network.Bridge;
import io.jlxd.network.Cidr;
import io.jlxd.network.DhcpHosts;
import io.jlxd.network.Dnsmasq;
import io.jlxd.network.DnsmasqConfig;
import io.jlxd.network.DnsmasqSyntax;
import io.jlxd.network.HostNetworks;
import io.jlxd.network.Nft;
import io.jlxd.network.NftRules;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * The daemon's managed bridges: for each network row a Linux bridge of the same name (marked as this daemon's with
 * its interface alias), its addresses, an nftables table of its own and a supervised dnsmasq, with the files under
 * {@code <datadir>/networks/<name>} (0700). Everything is (re)created at start, so a daemon restart or a host reboot
 * brings every network back. Changes are validated before anything is touched, applied live, and reverted to the
 * previous config when applying fails.
 */
public final class ManagedNetworks implements NetworkAttachments {
    private static final Logger LOG = Logger.getLogger(ManagedNetworks.class.getName());
    /** In a network's directory while its bridge is being created and not yet marked (see {@link #setup}). */
    public static final String CREATING_BRIDGE = ".creating-bridge";
    public static final String DEFAULT_PREFIX = "jlxdbr";

    private final Path root;
    private final String owner;
    private final NetworkTable table;
    private final NetworkForwardTable forwards;
    private final NetworkUsers users;
    private final Map<String, Dnsmasq> dnsmasq = new ConcurrentHashMap<>();
    private final Map<String, String> errors = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    private ManagedNetworks(Path root, String owner, NetworkTable table, NetworkForwardTable forwards, NetworkUsers users) {
        this.root = root;
        this.owner = owner;
        this.table = table;
        this.forwards = forwards;
        this.users = users;
    }

    /**
     * Brings every network up (a network that fails is logged and reported as Errored). At the first start, creates
     * the default network unless {@code createDefault} is false, and returns its name through {@code defaultCreated}.
     */
    public static ManagedNetworks open(Path dataDir, NetworkTable table, NetworkForwardTable forwards, NetworkUsers users,
                                       boolean createDefault, java.util.function.Consumer<String> defaultCreated) throws IOException {
        Path root = dataDir.resolve("networks");
        Files.createDirectories(root);
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
        ManagedNetworks m = new ManagedNetworks(root, ownerMark(dataDir), table, forwards, users);
        Path marker = root.resolve(".first-start-done");
        if (!Files.exists(marker)) {
            if (createDefault && table.names().isEmpty()) {
                String name = m.freeDefaultName();
                try {
                    m.create(name, "Default jlxd network", Map.of());
                    defaultCreated.accept(name);
                } catch (RuntimeException | IOException e) {
                    LOG.severe("default network " + name + " not created: " + e.getMessage());
                }
            }
            Files.writeString(marker, "");
        }
        for (String name : table.names()) {
            table.get(name).ifPresent(r -> {
                try {
                    m.setup(r.name(), r.config());
                    m.errors.remove(name);
                } catch (IOException | RuntimeException e) {
                    m.errors.put(name, e.getMessage());
                    LOG.severe("network " + name + " cannot be set up: " + e.getMessage());
                }
            });
        }
        return m;
    }

    /** The mark a bridge of this daemon carries in its alias: "jlxd:" and a hash of the data directory. */
    public static String ownerMark(Path dataDir) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(dataDir.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8));
            return "jlxd:" + HexFormat.of().formatHex(h, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** jlxdbr0, or the first jlxdbrN that is neither a host interface nor a network row. */
    String freeDefaultName() {
        for (int i = 0; ; i++) {
            String n = DEFAULT_PREFIX + i;
            if (!HostNetworks.exists(n) && table.get(n).isEmpty()) {
                return n;
            }
        }
    }

    public NetworkTable table() {
        return table;
    }

    public NetworkForwardTable forwards() {
        return forwards;
    }

    public NetworkUsers users() {
        return users;
    }

    /** "Created", or "Errored" when the last set-up failed. */
    public String status(String name) {
        return errors.containsKey(name) ? "Errored" : "Created";
    }

    public Path dir(String name) {
        return root.resolve(name);
    }

    // ------------------------------------------------------------------ create, update, delete, rename

    public synchronized void create(String name, String description, Map<String, String> given) throws IOException {
        NetworkConfig.validateName(name);
        if (table.get(name).isPresent()) {
            throw ApiException.conflict("The network already exists");
        }
        if (HostNetworks.exists(name)) {
            throw new ConfigException("An interface named \"" + name + "\" already exists on the host");
        }
        Map<String, String> config = NetworkConfig.withCreateDefaults(given);
        List<Cidr> host = HostNetworks.usedSubnets();
        NetworkConfig.validate(config, otherSubnets(name), host);
        checkRaw(config);
        List<Cidr> used = new ArrayList<>(host);
        otherSubnets(name).values().forEach(used::addAll);
        config = NetworkConfig.resolveAuto(config, used, random);
        if (!table.create(new NetworkTable.Row(name, "bridge", description == null ? "" : description, config))) {
            throw ApiException.conflict("The network already exists");
        }
        try {
            setup(name, config);
        } catch (IOException | RuntimeException e) {
            teardown(name);
            table.delete(name);
            throw new IOException("Failed to create network " + name + ": " + e.getMessage(), e);
        }
        errors.remove(name);
    }

    /** Validates and applies a new description and config; on failure the previous config is applied again. */
    public synchronized void update(String name, String description, Map<String, String> newConfig) throws IOException {
        NetworkTable.Row cur = table.get(name).orElseThrow(() -> ApiException.notFound("Network not found"));
        Map<String, String> config = new java.util.TreeMap<>(newConfig);
        config.values().removeIf(String::isEmpty);
        List<Cidr> host = hostSubnetsExcept(cur.config());
        NetworkConfig.validate(config, otherSubnets(name), host);
        checkRaw(config);
        List<Cidr> used = new ArrayList<>(host);
        otherSubnets(name).values().forEach(used::addAll);
        config = NetworkConfig.resolveAuto(config, used, random);
        List<NftRules.Forward> fw = forwardRules(name);
        checkForwardsStillFit(name, config);
        try {
            setup(name, config, fw);
        } catch (IOException | RuntimeException e) {
            try {
                setup(name, cur.config(), fw);
            } catch (IOException | RuntimeException again) {
                errors.put(name, again.getMessage());
                LOG.severe("network " + name + ": the previous config could not be restored: " + again.getMessage());
            }
            throw new IOException("Failed to update network " + name + " (previous config restored): " + e.getMessage(), e);
        }
        table.update(new NetworkTable.Row(name, cur.type(), description, config));
        errors.remove(name);
    }

    private static void checkRaw(Map<String, String> config) throws IOException {
        DnsmasqSyntax.check(config.getOrDefault(RAW_DNSMASQ, "")).ifPresent(why -> {
            throw new ConfigException("Invalid value for \"raw.dnsmasq\": dnsmasq says: " + why);
        });
    }

    private void checkForwardsStillFit(String name, Map<String, String> config) {
        for (NetworkForwardTable.Row f : forwards.list(name)) {
            NetworkForwards.validate(f, config, Map.of());
        }
    }

    public synchronized void delete(String name) throws IOException {
        table.get(name).orElseThrow(() -> ApiException.notFound("Network not found"));
        List<String> used = usedBy(name);
        if (!used.isEmpty()) {
            throw ApiException.conflict("The network is currently in use by: " + String.join(", ", used));
        }
        teardown(name);
        table.delete(name);
        errors.remove(name);
    }

    public synchronized void rename(String from, String to) throws IOException {
        NetworkTable.Row cur = table.get(from).orElseThrow(() -> ApiException.notFound("Network not found"));
        NetworkConfig.validateName(to);
        if (table.get(to).isPresent()) {
            throw ApiException.conflict("Network \"" + to + "\" already exists");
        }
        if (HostNetworks.exists(to)) {
            throw new ConfigException("An interface named \"" + to + "\" already exists on the host");
        }
        List<String> used = usedBy(from);
        if (!used.isEmpty()) {
            throw ApiException.conflict("The network is currently in use by: " + String.join(", ", used));
        }
        teardown(from);
        if (!table.rename(from, to)) {
            setup(from, cur.config());
            throw ApiException.conflict("Network \"" + to + "\" already exists");
        }
        try {
            setup(to, cur.config());
        } catch (IOException | RuntimeException e) {
            teardown(to);
            table.rename(to, from);
            setup(from, cur.config());
            throw new IOException("Failed to rename network " + from + ": " + e.getMessage(), e);
        }
        errors.remove(from);
    }

    /** Instances and profiles whose devices name the network, as "instance NAME" / "profile NAME". */
    public List<String> usedBy(String name) {
        List<String> out = new ArrayList<>();
        users.instancesOn(name).forEach(i -> out.add("instance " + i));
        users.profilesOn(name).forEach(p -> out.add("profile " + p));
        return out;
    }

    /** Re-applies the nftables table of a network (after its forwards changed). */
    public synchronized void applyRules(String name) throws IOException {
        NetworkTable.Row r = table.get(name).orElseThrow(() -> ApiException.notFound("Network not found"));
        Nft.apply(rules(name, r.config(), forwardRules(name)));
    }

    // ------------------------------------------------------------------ NetworkAttachments

    @Override
    public Optional<Attachment> attachment(String network) {
        return table.get(network).map(r -> new Attachment(r.name(), r.name(),
                Integer.parseInt(NetworkConfig.get(r.config(), BRIDGE_MTU)),
                NetworkConfig.ipv4(r.config()).map(Cidr::toString).orElse(null),
                NetworkConfig.ipv6(r.config()).map(Cidr::toString).orElse(null)));
    }

    @Override
    public void nicsChanged(String network) {
        Dnsmasq d = dnsmasq.get(network);
        Optional<NetworkTable.Row> r = table.get(network);
        if (d == null || r.isEmpty()) {
            return;
        }
        try {
            d.update(dnsmasqConfig(network, r.get().config()), hostsText(network));
        } catch (IOException e) {
            LOG.warning("network " + network + ": DHCP host entries not refreshed: " + e.getMessage());
        }
    }

    // ------------------------------------------------------------------ set-up and tear-down

    private void setup(String name, Map<String, String> config) throws IOException {
        setup(name, config, forwardRules(name));
    }

    private synchronized void setup(String name, Map<String, String> config, List<NftRules.Forward> fw) throws IOException {
        Path creating = root.resolve(name).resolve(CREATING_BRIDGE);
        if (HostNetworks.exists(name)) {
            if (Bridge.isBridge(name) && Bridge.owner(name).isEmpty() && Files.exists(creating)) {
                // the kernel takes no alias with the new link: a daemon killed between the two left its bridge unmarked
                LOG.warning("bridge " + name + " was left without its owner mark by an interrupted creation: marking it");
                Bridge.mark(name, owner);
            } else if (!Bridge.isBridge(name) || !owner.equals(Bridge.owner(name))) {
                throw new IOException("interface " + name + " exists and is not a bridge of this daemon");
            }
        } else {
            Files.createDirectories(creating.getParent());
            Files.writeString(creating, ""); // journal: an unmarked bridge of this name is ours until it is marked
            Bridge.create(name, owner);
        }
        Files.deleteIfExists(creating);
        Optional<Cidr> v4 = NetworkConfig.ipv4(config);
        Optional<Cidr> v6 = NetworkConfig.ipv6(config);
        Bridge.configure(name, Integer.parseInt(NetworkConfig.get(config, BRIDGE_MTU)), config.getOrDefault(BRIDGE_HWADDR, ""));
        Bridge.setAddress(name, true, v4.orElse(null));
        Bridge.setAddress(name, false, v6.orElse(null));
        if (v4.isPresent()) {
            Bridge.enableForwarding(true);
        }
        if (v6.isPresent()) {
            Bridge.enableForwarding(false);
        }
        Nft.apply(rules(name, config, fw));
        Path dir = root.resolve(name);
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        boolean needed = v4.isPresent() || v6.isPresent();
        Dnsmasq d = dnsmasq.get(name);
        if (!needed) {
            if (d != null) {
                d.stop();
                dnsmasq.remove(name);
            }
            return;
        }
        DnsmasqConfig dc = dnsmasqConfig(name, config);
        if (d == null) {
            dnsmasq.put(name, Dnsmasq.start(name, dc, hostsText(name)));
        } else {
            d.update(dc, hostsText(name));
        }
    }

    /** Removes dnsmasq, the nftables table, the bridge and the files; goes on past failures and reports the first. */
    private void teardown(String name) throws IOException {
        IOException first = null;
        Dnsmasq d = dnsmasq.remove(name);
        if (d != null) {
            d.stop();
        }
        try {
            Nft.delete(name);
        } catch (IOException e) {
            first = e;
        }
        try {
            if (HostNetworks.exists(name) && owner.equals(Bridge.owner(name))) {
                Bridge.delete(name);
            }
        } catch (IOException e) {
            first = first == null ? e : first;
        }
        deleteTree(root.resolve(name));
        if (first != null) {
            throw first;
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private NftRules rules(String name, Map<String, String> config, List<NftRules.Forward> fw) {
        return new NftRules(name, NetworkConfig.ipv4(config).orElse(null), NetworkConfig.bool(config, IPV4_NAT, false),
                NetworkConfig.ipv6(config).orElse(null), NetworkConfig.bool(config, IPV6_NAT, false), fw);
    }

    private List<NftRules.Forward> forwardRules(String name) {
        List<NftRules.Forward> out = new ArrayList<>();
        for (NetworkForwardTable.Row f : forwards.list(name)) {
            out.add(NetworkForwards.rule(f));
        }
        return out;
    }

    DnsmasqConfig dnsmasqConfig(String name, Map<String, String> config) {
        Cidr v4 = NetworkConfig.ipv4(config).orElse(null);
        return new DnsmasqConfig(name, root.resolve(name), v4, NetworkConfig.bool(config, IPV4_DHCP, true),
                v4 == null ? List.of() : NetworkConfig.ranges4(config.getOrDefault(IPV4_DHCP_RANGES, ""), v4),
                NetworkConfig.get(config, IPV4_DHCP_EXPIRY), NetworkConfig.ipv6(config).orElse(null),
                NetworkConfig.bool(config, IPV6_DHCP, true), NetworkConfig.get(config, IPV6_DHCP_EXPIRY),
                NetworkConfig.get(config, DNS_DOMAIN),
                !"none".equals(NetworkConfig.get(config, DNS_MODE)),
                Integer.parseInt(NetworkConfig.get(config, BRIDGE_MTU)), config.getOrDefault(RAW_DNSMASQ, ""));
    }

    private String hostsText(String name) {
        return DhcpHosts.render(users.hosts(name));
    }

    private Map<String, List<Cidr>> otherSubnets(String except) {
        Map<String, List<Cidr>> out = new LinkedHashMap<>();
        for (String n : table.names()) {
            if (n.equals(except)) {
                continue;
            }
            table.get(n).ifPresent(r -> {
                List<Cidr> l = new ArrayList<>();
                NetworkConfig.ipv4(r.config()).ifPresent(l::add);
                NetworkConfig.ipv6(r.config()).ifPresent(l::add);
                out.put(n, l);
            });
        }
        return out;
    }

    /** The host's subnets, less those of every managed network (their own routes are not a conflict). */
    private List<Cidr> hostSubnetsExcept(Map<String, String> ownConfig) throws IOException {
        List<Cidr> mine = new ArrayList<>();
        NetworkConfig.ipv4(ownConfig).ifPresent(mine::add);
        NetworkConfig.ipv6(ownConfig).ifPresent(mine::add);
        List<Cidr> out = new ArrayList<>();
        for (Cidr h : HostNetworks.usedSubnets()) {
            if (mine.stream().noneMatch(m -> m.subnet().equals(h.subnet()) || m.overlaps(h) && h.prefix() >= m.prefix())) {
                out.add(h);
            }
        }
        return out;
    }

    /** Daemon shutdown: dnsmasq processes are left running for the containers, no longer supervised. */
    public void detach() {
        dnsmasq.values().forEach(Dnsmasq::detach);
    }

    /** The supervised dnsmasq of a network (tests of supervision read its pid through the files). */
    public Optional<Dnsmasq> dnsmasq(String name) {
        return Optional.ofNullable(dnsmasq.get(name));
    }
}
