import java.io.IOException;

/**
 * Many instances (see bench/instances.sh): creates COUNT busybox instances on POOL and starts them, then measures
 * ROUNDS of `GET /1.0/instances?recursion=2` (every instance with its state) and of `GET /1.0` (the HTTP floor of
 * the same daemon), interleaved, on one keep-alive connection.
 *
 * <pre>java InstancesBench.java SOCKET POOL COUNT ROUNDS</pre>
 *
 * Prints one JSON object like the other benches (medians per metric; "create_start_all" is one sample).
 */
public final class InstancesBench extends BenchClient {
    private InstancesBench(String socket) throws IOException {
        super(socket);
    }

    public static void main(String[] a) throws Exception {
        InstancesBench b = new InstancesBench(a[0]);
        String pool = a[1];
        int count = Integer.parseInt(a[2]);
        int rounds = Integer.parseInt(a[3]);
        if (count > 0) b.time("create_start_all", () -> {
            for (int i = 0; i < count; i++) {
                String name = String.format("bench-i%02d", i);
                b.op("POST", "/1.0/instances", "{\"name\":\"" + name + "\",\"source\":{\"type\":\"image\",\"alias\":\"busybox\"},"
                        + "\"devices\":{\"root\":{\"type\":\"disk\",\"path\":\"/\",\"pool\":\"" + pool + "\"}}}");
                b.state(name, "start", "");
            }
        });
        if (!b.errors.isEmpty()) {
            System.out.println(b.json(0));
            return;
        }
        Answer check = b.http("GET", "/1.0/instances?recursion=2", null);
        int running = check.body().split("\"status\":\"Running\"", -1).length - 1;
        int usage = check.body().split("\"usage\":", -1).length - 1;
        if (check.status() != 200 || running < count) {
            throw new IOException("expected " + count + " running instances: " + check.status() + " " + running);
        }
        for (int i = 0; i < 5; i++) { // warm-up
            b.http("GET", "/1.0/instances?recursion=2", null);
            b.http("GET", "/1.0", null);
        }
        for (int r = 0; r < rounds; r++) {
            b.time("list_recursion2", () -> b.http("GET", "/1.0/instances?recursion=2", null));
            b.time("get_1_0", () -> b.http("GET", "/1.0", null));
        }
        String j = b.json(rounds);
        System.out.println(j.substring(0, j.length() - 1) + ",\"running\":" + running + ",\"usage_fields\":" + usage
                + ",\"list_bytes\":" + check.body().length() + "}");
    }
}
