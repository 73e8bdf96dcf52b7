package io.jlxd.daemon.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code GET /1.0/resources}: the host's CPUs, memory, disks and network cards in LXD's shape (its
 * {@code api.Resources}: {@code cpu}, {@code memory}, {@code gpu}, {@code network}, {@code storage}, {@code usb},
 * {@code pci}, {@code system}), read from sysfs and procfs at each call. GPUs, USB and PCI devices are listed empty
 * (jlxd does not pass devices through). Fields the host does not expose (no DMI table in a VM) are empty.
 */
public final class HostResources {
    private static final Pattern PCI_ADDRESS = Pattern.compile("[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-9a-f]");

    private final Path sys;
    private final Path proc;

    public HostResources(Path sys, Path proc) {
        this.sys = sys;
        this.proc = proc;
    }

    public static HostResources host() {
        return new HostResources(Path.of("/sys"), Path.of("/proc"));
    }

    public Map<String, Object> all(String architecture) throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("cpu", cpu(architecture));
        out.put("memory", memory());
        out.put("gpu", Map.of("cards", List.of(), "total", 0));
        out.put("network", network());
        out.put("storage", storage());
        out.put("usb", Map.of("devices", List.of(), "total", 0));
        out.put("pci", Map.of("devices", List.of(), "total", 0));
        out.put("system", system());
        return out;
    }

    // ------------------------------------------------------------------------------------------ cpu

    Map<String, Object> cpu(String architecture) throws IOException {
        Map<String, String> info = cpuInfo();
        Map<Long, Map<Long, List<Map<String, Object>>>> sockets = new TreeMap<>(); // socket -> core -> threads
        Map<Long, Long> dies = new TreeMap<>();
        int total = 0;
        for (Path cpu : list(sys.resolve("devices/system/cpu"), "cpu[0-9]+")) {
            long id = Long.parseLong(cpu.getFileName().toString().substring(3));
            Path topo = cpu.resolve("topology");
            boolean online = !Files.exists(cpu.resolve("online")) || read(cpu.resolve("online")).equals("1");
            long socket = readLong(topo.resolve("physical_package_id"), 0);
            long core = readLong(topo.resolve("core_id"), id);
            dies.put(core, readLong(topo.resolve("die_id"), 0));
            List<Map<String, Object>> threads = sockets.computeIfAbsent(socket, k -> new TreeMap<>())
                    .computeIfAbsent(core, k -> new ArrayList<>());
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("id", id);
            t.put("numa_node", numaNode(cpu));
            t.put("thread", (long) threads.size());
            t.put("online", online);
            t.put("isolated", false);
            threads.add(t);
            total++;
        }
        List<Map<String, Object>> socketList = new ArrayList<>();
        for (Map.Entry<Long, Map<Long, List<Map<String, Object>>>> s : sockets.entrySet()) {
            List<Map<String, Object>> cores = new ArrayList<>();
            for (Map.Entry<Long, List<Map<String, Object>>> c : s.getValue().entrySet()) {
                Map<String, Object> core = new LinkedHashMap<>();
                core.put("core", c.getKey());
                core.put("die", dies.getOrDefault(c.getKey(), 0L));
                core.put("threads", c.getValue());
                core.put("frequency", cpuMhz(info));
                cores.add(core);
            }
            Map<String, Object> socket = new LinkedHashMap<>();
            socket.put("name", info.getOrDefault("model name", ""));
            socket.put("vendor", info.getOrDefault("vendor_id", ""));
            socket.put("socket", s.getKey());
            socket.put("cores", cores);
            socket.put("frequency", cpuMhz(info));
            socketList.add(socket);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("architecture", architecture);
        out.put("sockets", socketList);
        out.put("total", total);
        return out;
    }

    private Map<String, String> cpuInfo() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(proc.resolve("cpuinfo"))) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                out.putIfAbsent(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
            }
        }
        return out;
    }

    private static long cpuMhz(Map<String, String> info) {
        try {
            return (long) Double.parseDouble(info.getOrDefault("cpu MHz", "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private long numaNode(Path cpu) throws IOException {
        for (Path p : list(cpu, "node[0-9]+")) {
            return Long.parseLong(p.getFileName().toString().substring(4));
        }
        return 0;
    }

    // ------------------------------------------------------------------------------------------ memory

    Map<String, Object> memory() throws IOException {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String line : Files.readAllLines(proc.resolve("meminfo"))) {
            String[] f = line.split("[:\\s]+");
            if (f.length >= 2) {
                long v = Long.parseLong(f[1]);
                m.put(f[0], f.length >= 3 && f[2].equals("kB") ? v * 1024 : v);
            }
        }
        long total = m.getOrDefault("MemTotal", 0L);
        long available = m.getOrDefault("MemAvailable", m.getOrDefault("MemFree", 0L));
        long hugeSize = m.getOrDefault("Hugepagesize", 0L);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("hugepages_total", m.getOrDefault("HugePages_Total", 0L) * hugeSize);
        out.put("hugepages_used", (m.getOrDefault("HugePages_Total", 0L) - m.getOrDefault("HugePages_Free", 0L)) * hugeSize);
        out.put("hugepages_size", hugeSize);
        out.put("used", total - available);
        out.put("total", total);
        return out;
    }

    // ------------------------------------------------------------------------------------------ network

    Map<String, Object> network() throws IOException {
        List<Map<String, Object>> cards = new ArrayList<>();
        for (Path nic : list(sys.resolve("class/net"), ".+")) {
            Path device = nic.resolve("device");
            if (!Files.exists(device)) {
                continue; // virtual: lo, bridges, veths
            }
            Map<String, Object> port = new LinkedHashMap<>();
            port.put("id", nic.getFileName().toString());
            port.put("address", read(nic.resolve("address")));
            port.put("port", 0);
            port.put("protocol", read(nic.resolve("type")).equals("1") ? "ethernet" : "unknown");
            port.put("auto_negotiation", false);
            port.put("link_detected", read(nic.resolve("carrier")).equals("1"));
            long speed = readLong(nic.resolve("speed"), 0);
            if (speed > 0) {
                port.put("link_speed", speed);
                port.put("link_duplex", read(nic.resolve("duplex")));
            }
            Map<String, Object> card = new LinkedHashMap<>();
            card.put("driver", driver(device));
            card.put("driver_version", read(device.resolve("driver/module/version")));
            card.put("ports", List.of(port));
            card.put("numa_node", Math.max(0, readLong(device.resolve("numa_node"), 0)));
            pci(device, card);
            cards.add(card);
        }
        return Map.of("cards", cards, "total", cards.size());
    }

    // ------------------------------------------------------------------------------------------ storage

    Map<String, Object> storage() throws IOException {
        List<Map<String, Object>> disks = new ArrayList<>();
        for (Path block : list(sys.resolve("class/block"), ".+")) {
            Path device = block.resolve("device");
            if (Files.exists(block.resolve("partition")) || !Files.exists(device)) {
                continue; // partitions are listed under their disk; loop, zram and dm devices have no device
            }
            String name = block.getFileName().toString();
            Map<String, Object> disk = new LinkedHashMap<>();
            disk.put("id", name);
            disk.put("device", read(block.resolve("dev")));
            disk.put("model", read(device.resolve("model")));
            disk.put("type", diskType(name, device));
            disk.put("read_only", read(block.resolve("ro")).equals("1"));
            disk.put("size", readLong(block.resolve("size"), 0) * 512);
            disk.put("removable", read(block.resolve("removable")).equals("1"));
            disk.put("numa_node", Math.max(0, readLong(device.resolve("numa_node"), 0)));
            disk.put("device_path", "");
            disk.put("block_size", readLong(block.resolve("queue/logical_block_size"), 512));
            disk.put("firmware_version", read(device.resolve("firmware_rev")));
            disk.put("rpm", read(block.resolve("queue/rotational")).equals("1") ? 1L : 0L);
            disk.put("serial", read(block.resolve("serial")).isEmpty() ? read(device.resolve("serial")) : read(block.resolve("serial")));
            disk.put("device_id", "");
            List<Map<String, Object>> partitions = new ArrayList<>();
            for (Path part : list(block, java.util.regex.Pattern.quote(name) + "p?[0-9]+")) {
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("id", part.getFileName().toString());
                p.put("device", read(part.resolve("dev")));
                p.put("read_only", read(part.resolve("ro")).equals("1"));
                p.put("size", readLong(part.resolve("size"), 0) * 512);
                p.put("partition", readLong(part.resolve("partition"), 0));
                partitions.add(p);
            }
            disk.put("partitions", partitions);
            disks.add(disk);
        }
        return Map.of("disks", disks, "total", disks.size());
    }

    private String diskType(String name, Path device) throws IOException {
        String driver = driver(device);
        if (name.startsWith("nvme")) {
            return "nvme";
        }
        if (driver.startsWith("virtio")) {
            return "virtio";
        }
        if (name.startsWith("mmcblk")) {
            return "mmc";
        }
        return name.startsWith("sd") ? "scsi" : driver;
    }

    // ------------------------------------------------------------------------------------------ system

    Map<String, Object> system() throws IOException {
        Path dmi = sys.resolve("class/dmi/id");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("uuid", read(dmi.resolve("product_uuid")));
        out.put("vendor", read(dmi.resolve("sys_vendor")));
        out.put("product", read(dmi.resolve("product_name")));
        out.put("family", read(dmi.resolve("product_family")));
        out.put("version", read(dmi.resolve("product_version")));
        out.put("sku", read(dmi.resolve("product_sku")));
        out.put("serial", read(dmi.resolve("product_serial")));
        out.put("type", cpuInfoFlags().contains("hypervisor") ? "virtual-machine" : "physical");
        out.put("firmware", Map.of("date", read(dmi.resolve("bios_date")), "vendor", read(dmi.resolve("bios_vendor")),
                "version", read(dmi.resolve("bios_version"))));
        out.put("chassis", Map.of("serial", read(dmi.resolve("chassis_serial")), "type", read(dmi.resolve("chassis_type")),
                "vendor", read(dmi.resolve("chassis_vendor")), "version", read(dmi.resolve("chassis_version"))));
        out.put("motherboard", Map.of("product", read(dmi.resolve("board_name")), "serial", read(dmi.resolve("board_serial")),
                "vendor", read(dmi.resolve("board_vendor")), "version", read(dmi.resolve("board_version"))));
        return out;
    }

    private List<String> cpuInfoFlags() throws IOException {
        String flags = cpuInfo().getOrDefault("flags", "");
        return List.of(flags.split("\\s+"));
    }

    // ------------------------------------------------------------------------------------------ helpers

    /** The PCI function a device sits on (itself or a parent, as virtio devices are), with its ids. */
    private void pci(Path device, Map<String, Object> card) throws IOException {
        Path real = device.toRealPath();
        for (Path p = real; p != null; p = p.getParent()) {
            String n = p.getFileName() == null ? "" : p.getFileName().toString();
            if (PCI_ADDRESS.matcher(n).matches()) {
                card.put("pci_address", n);
                card.put("vendor_id", hexId(read(p.resolve("vendor"))));
                card.put("product_id", hexId(read(p.resolve("device"))));
                return;
            }
        }
    }

    private static String hexId(String v) {
        return v.toLowerCase(Locale.ROOT).startsWith("0x") ? v.substring(2) : v;
    }

    private static String driver(Path device) throws IOException {
        Path d = device.resolve("driver");
        return Files.isSymbolicLink(d) ? Files.readSymbolicLink(d).getFileName().toString() : "";
    }

    private static List<Path> list(Path dir, String regex) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        Pattern p = Pattern.compile(regex);
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(x -> p.matcher(x.getFileName().toString()).matches())
                    .sorted(Comparator.comparing((Path x) -> x.getFileName().toString().length())
                            .thenComparing(x -> x.getFileName().toString()))
                    .toList();
        }
    }

    /** A sysfs attribute, trimmed; empty when absent or unreadable (some attributes fail to read by design). */
    private static String read(Path p) {
        try {
            return Files.readString(p).trim();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static long readLong(Path p, long dflt) {
        try {
            return Long.parseLong(read(p));
        } catch (NumberFormatException e) {
            return dflt;
        }
    }
}
