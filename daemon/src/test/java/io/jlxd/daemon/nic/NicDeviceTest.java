package io.jlxd.daemon.nic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlxd.daemon.http.ApiException;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class NicDeviceTest {
    static Map<String, String> bridged(String... kv) {
        Map<String, String> d = new HashMap<>(Map.of("type", "nic", "nictype", "bridged", "parent", "br0"));
        for (int i = 0; i + 1 < kv.length; i += 2) {
            d.put(kv[i], kv[i + 1]);
        }
        return d;
    }

    static String refusal(Map<String, String> d) {
        ApiException e = assertThrows(ApiException.class, () -> NicDevice.parse("eth0", d));
        assertTrue(e.getMessage().startsWith("Device \"eth0\": "), e.getMessage());
        return e.getMessage();
    }

    @Test
    void aBridgedNicWithDefaults() {
        NicDevice n = NicDevice.parse("eth0", bridged());
        assertEquals("br0", n.parent());
        assertNull(n.network());
        assertEquals("eth0", n.name());
        assertNull(n.hwaddr());
        assertEquals(0, n.mtu());
    }

    @Test
    void allKeys() {
        NicDevice n = NicDevice.parse("net1", bridged("name", "eth1", "hwaddr", "00:16:3E:AA:BB:CC", "mtu", "1400",
                "host_name", "vethmine", "ipv4.address", "10.1.2.3", "ipv6.address", "fd42::3"));
        assertEquals("00:16:3e:aa:bb:cc", n.hwaddr());
        assertEquals(1400, n.mtu());
        assertEquals("eth1", n.name());
        assertEquals("vethmine", n.hostName());
        NicDevice m = NicDevice.parse("eth0", Map.of("type", "nic", "network", "jlxdbr0"));
        assertEquals("jlxdbr0", m.network());
    }

    @Test
    void refusals() {
        assertTrue(refusal(bridged("hwaddr", "01:00:5e:00:00:01")).contains("multicast"));
        assertTrue(refusal(bridged("hwaddr", "00:00:00:00:00:00")).contains("zero"));
        assertTrue(refusal(bridged("hwaddr", "00-16-3e-00-00-01")).contains("hwaddr"));
        assertTrue(refusal(bridged("name", "sixteen-chars-xx")).contains("15"));
        assertTrue(refusal(bridged("host_name", "a b")).contains("host_name"));
        assertTrue(refusal(bridged("mtu", "67")).contains("mtu"));
        assertTrue(refusal(bridged("mtu", "x")).contains("mtu"));
        assertTrue(refusal(bridged("vlan", "5")).contains("vlan"));
        assertTrue(refusal(bridged("ipv4.address", "10.0.0.0/24")).contains("ipv4.address"));
        assertTrue(refusal(bridged("ipv4.address", "example.com")).contains("ipv4.address"));
        assertTrue(refusal(bridged("ipv6.address", "10.0.0.1")).contains("ipv6.address"));
        assertTrue(refusal(Map.of("type", "nic", "nictype", "bridged")).contains("parent"));
        assertTrue(refusal(Map.of("type", "nic", "nictype", "macvlan", "parent", "eth0")).contains("macvlan"));
        assertTrue(refusal(Map.of("type", "nic", "network", "n", "parent", "br0")).contains("parent"));
        assertTrue(refusal(Map.of("type", "nic")).contains("network"));
    }

    @Test
    void hwaddrAndHostNameAreGeneratedOnceAndDroppedWithTheDevice() {
        Map<String, Map<String, String>> devs = new TreeMap<>(Map.of("eth0", bridged(), "eth1", bridged("hwaddr", "00:16:3e:00:00:01"),
                "root", Map.of("type", "disk", "path", "/")));
        Map<String, String> changes = InstanceNics.volatileChanges(devs, Map.of());
        assertTrue(changes.get("volatile.eth0.hwaddr").matches("00:16:3e(:[0-9a-f]{2}){3}"));
        assertTrue(changes.get("volatile.eth0.host_name").matches("veth[0-9a-f]{8}"));
        assertFalse(changes.containsKey("volatile.eth1.hwaddr"));
        assertTrue(changes.containsKey("volatile.eth1.host_name"));
        Map<String, String> vol = InstanceNics.apply(Map.of("volatile.base_image", "x"), changes);
        assertEquals(Map.of(), InstanceNics.volatileChanges(devs, vol), "stable once generated");
        devs.remove("eth0");
        Map<String, String> gone = InstanceNics.volatileChanges(devs, vol);
        assertTrue(gone.containsKey("volatile.eth0.hwaddr") && gone.get("volatile.eth0.hwaddr") == null);
        assertTrue(gone.containsKey("volatile.eth0.host_name") && gone.get("volatile.eth0.host_name") == null);
        assertFalse(gone.containsKey("volatile.base_image"));
        assertNotEquals(Hwaddr.generate(), Hwaddr.generate());
    }

    @Test
    void namesUniqueInsideAndNetworksKnown() {
        InstanceNics nics = new InstanceNics(io.jlxd.daemon.network.NetworkAttachments.NONE);
        ApiException dup = assertThrows(ApiException.class, () -> nics.validate(Map.of("a", bridged("name", "eth0"),
                "b", bridged("name", "eth0"))));
        assertTrue(dup.getMessage().contains("eth0"));
        ApiException net = assertThrows(ApiException.class, () -> nics.validate(Map.of("eth0", Map.of("type", "nic", "network", "nope"))));
        assertTrue(net.getMessage().contains("nope") && net.getMessage().contains("not found"), net.getMessage());
    }
}
