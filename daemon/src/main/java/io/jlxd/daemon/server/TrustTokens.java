package io.jlxd.daemon.server;

import io.jlxd.api.Operation;
import io.jlxd.api.OperationClass;
import io.jlxd.api.TrustToken;
import io.jlxd.daemon.db.TrustTokenTable;
import io.jlxd.daemon.http.ApiException;
import io.jlxd.daemon.ops.Op;
import io.jlxd.daemon.ops.Operations;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Trust tokens: single-use, optionally expiring ({@code core.remote_token_expiry}), each one a held operation of
 * class {@code token} (listed in {@code /1.0/operations}, revoked by cancelling it). The database keeps only the
 * SHA-256 of the secret; the secret, and so the token string, is shown once, in the answer that creates it.
 * Tokens survive a daemon restart.
 */
public final class TrustTokens implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(TrustTokens.class.getName());

    private final TrustTokenTable table;
    private final Operations operations;
    private final SecureRandom random = new SecureRandom();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "trust-token-expiry");
        t.setDaemon(true);
        return t;
    });
    /** Open tokens by the SHA-256 of their secret. */
    private final Map<String, Open> open = new ConcurrentHashMap<>();

    /** An open token: its row and its operation. */
    public record Open(TrustTokenTable.Row row, Op op) {
    }

    /** A new token: its operation as the creating answer shows it (with the secret), and the encoded token. */
    public record Issued(Operation view, String token) {
    }

    public TrustTokens(TrustTokenTable table, Operations operations) {
        this.table = table;
        this.operations = operations;
    }

    /** At start: open tokens become operations again (same ids); expired ones are dropped. */
    public void restore(String serverFingerprint, List<String> addresses) {
        OffsetDateTime now = now();
        for (TrustTokenTable.Row row : table.list()) {
            if (row.expiresAt() != null && !row.expiresAt().isAfter(now)) {
                table.delete(row.id());
                continue;
            }
            track(row, operations.startHeld(row.id(), spec(row, serverFingerprint, addresses)));
        }
    }

    /** Issues a token for a client named {@code name}; {@code expiry} is core.remote_token_expiry. */
    public Issued issue(String name, String type, boolean restricted, List<String> projects, String description, String expiry,
                        String serverFingerprint, List<String> addresses) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String secret = HexFormat.of().formatHex(bytes);
        OffsetDateTime created = now();
        OffsetDateTime expires = io.jlxd.api.TrustTokenExpiry.after(created, expiry);
        TrustTokenTable.Row row = new TrustTokenTable.Row(UUID.randomUUID().toString(), name, type, restricted,
                List.copyOf(projects), description == null ? "" : description, sha256(secret), created, expires);
        table.insert(row);
        Op op = operations.startHeld(row.id(), spec(row, serverFingerprint, addresses));
        track(row, op);
        Operation v = op.view();
        Map<String, Object> meta = new LinkedHashMap<>(v.metadata());
        meta.put("secret", secret);
        Operation shown = new Operation(v.id(), v.operationClass(), v.description(), v.createdAt(), v.updatedAt(), v.status(),
                v.statusCode(), v.resources(), meta, v.mayCancel(), v.err(), v.location());
        String token = new TrustToken(name, serverFingerprint, addresses, secret, expires).encode();
        return new Issued(shown, token);
    }

    private Operations.Spec spec(TrustTokenTable.Row row, String fingerprint, List<String> addresses) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("name", row.name());
        request.put("type", row.type());
        request.put("restricted", row.restricted());
        request.put("projects", row.projects());
        request.put("description", row.description());
        request.put("token", true);
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("request", request);
        meta.put("fingerprint", fingerprint);
        meta.put("addresses", addresses);
        meta.put("expiresAt", row.expiresAt());
        return new Operations.Spec(OperationClass.TOKEN, "Certificate add token for " + row.name(), Map.of(), meta, true,
                () -> revoke(row));
    }

    private void track(TrustTokenTable.Row row, Op op) {
        open.put(row.secretSha256(), new Open(row, op));
        if (row.expiresAt() != null) {
            long ms = Math.max(0, Duration.between(now(), row.expiresAt()).toMillis());
            timer.schedule(() -> expire(row), ms + 1, TimeUnit.MILLISECONDS);
        }
    }

    private void revoke(TrustTokenTable.Row row) {
        open.remove(row.secretSha256());
        table.delete(row.id());
    }

    private void expire(TrustTokenTable.Row row) {
        Open o = open.remove(row.secretSha256());
        if (o != null) {
            table.delete(row.id());
            operations.fail(o.op(), "Trust token expired");
            LOG.info("trust token for " + row.name() + " expired");
        }
    }

    /** Whether {@code presented} is a token in LXD's encoding (base64 JSON with a secret). */
    public static boolean isToken(String presented) {
        try {
            String s = TrustToken.decode(presented).secret();
            return s != null && !s.isBlank();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * The secret of a token as a client presents it: LXD's base64 JSON token, or the bare secret. Anything else
     * is a 400.
     */
    public static String secretOf(String presented) {
        String t = presented == null ? "" : presented.trim();
        if (t.matches("[0-9a-f]{64}")) {
            return t;
        }
        try {
            String s = TrustToken.decode(t).secret();
            if (s != null && !s.isBlank()) {
                return s;
            }
        } catch (IllegalArgumentException e) {
            // fall through
        }
        throw ApiException.badRequest("Invalid trust token: neither a token issued by \"POST /1.0/certificates\" (base64 JSON)"
                + " nor its secret");
    }

    /**
     * Uses a token up: the first caller with the right secret gets what the token grants; a second one, a revoked
     * or an expired token gets 403. The operation completes (redeemed) or fails (expired).
     */
    public TrustTokenTable.Row redeem(String secret) {
        String hash = sha256(secret);
        Open o = open.get(hash);
        if (o == null || !open.remove(hash, o) || !table.delete(o.row().id())) {
            throw ApiException.forbidden("not authorized: invalid, used or revoked trust token");
        }
        if (o.row().expiresAt() != null && !o.row().expiresAt().isAfter(now())) {
            operations.fail(o.op(), "Trust token expired");
            throw ApiException.forbidden("not authorized: the trust token expired at " + o.row().expiresAt());
        }
        operations.complete(o.op());
        return o.row();
    }

    public Optional<Open> find(String id) {
        return open.values().stream().filter(o -> o.row().id().equals(id)).findFirst();
    }

    static String sha256(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
