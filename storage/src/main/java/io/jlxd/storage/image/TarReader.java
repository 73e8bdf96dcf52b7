package io.jlxd.storage.image;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A small streaming reader of tar archives: POSIX ustar, pax extended headers ({@code path}, {@code linkpath},
 * {@code size}, {@code uid}, {@code gid}, {@code mtime}, {@code SCHILY.xattr.*}), GNU long names and long link
 * names, base-256 numeric fields. It reads what GNU tar, bsdtar and LXD's image builders write.
 *
 * <p>It only decodes; it never touches the file system. It is strict where leniency would hide an attack or
 * corruption: a header with a bad checksum, a negative or overflowing number, a declared size larger than
 * what follows (truncated archive), oversized pax or long-name data (bounded to {@value #MAX_META_BYTES}
 * bytes) and GNU sparse or multi-volume members are all refused with an {@link InvalidImageException} that
 * names the entry and the offset. Global pax headers ({@code g}) are read and ignored.
 *
 * <p>The end of the archive is the first all-zero block; an archive that simply stops at a block boundary
 * without that trailer is accepted too (GNU tar does the same).
 */
public final class TarReader implements Closeable {
    public static final int BLOCK = 512;
    /** Upper bound of a pax header or GNU long name: real ones are a few hundred bytes (xattrs: a few KiB). */
    public static final int MAX_META_BYTES = 1 << 20;

    private final InputStream in;
    private final byte[] block = new byte[BLOCK];
    private final byte[] scratch = new byte[1 << 16];
    private long position;     // bytes consumed from `in`
    private long remaining;    // data bytes of the current entry not read yet
    private long padding;      // padding after the current entry's data
    private TarEntry current;
    private boolean finished;
    private int entries;

    /** @param in the uncompressed archive (see {@link Compression#decompress}); closed by {@link #close()} */
    public TarReader(InputStream in) {
        this.in = in;
    }

    /** Bytes of the uncompressed archive consumed so far. */
    public long position() {
        return position;
    }

    /**
     * The next entry, or null at the end of the archive. Data of the previous entry that was not read is
     * skipped (and must be present: a truncated archive fails here).
     */
    public TarEntry next() throws IOException {
        if (finished) {
            return null;
        }
        skipRest();
        Map<String, byte[]> pax = null;
        String longName = null;
        String longLink = null;
        while (true) {
            long offset = position;
            int n = readBlock();
            if (n == 0) {
                finished = true; // no end-of-archive blocks: accepted at a block boundary
                if (pax != null || longName != null || longLink != null) {
                    throw new InvalidImageException("truncated archive: extended header at offset " + offset
                            + " is not followed by an entry");
                }
                return null;
            }
            if (n < BLOCK) {
                throw new InvalidImageException("truncated archive: incomplete header at offset " + offset);
            }
            if (isZero(block)) {
                finished = true;
                if (pax != null || longName != null || longLink != null) {
                    throw new InvalidImageException("corrupt archive: extended header at offset " + offset
                            + " is followed by the end of the archive");
                }
                return null;
            }
            if (!checksumOk(block)) {
                throw new InvalidImageException(entries == 0 && offset == 0
                        ? "not a tar archive (no valid tar header at the start)"
                        : "corrupt tar header at offset " + offset + " (checksum mismatch)");
            }
            entries++;
            byte typeflag = block[156];
            long headerSize = number(block, 124, 12, "size", offset);
            if (headerSize < 0) {
                throw new InvalidImageException("corrupt tar header at offset " + offset + ": negative size "
                        + headerSize);
            }
            switch (typeflag) {
                case 'x' -> {
                    Map<String, byte[]> records = parsePax(readMeta(headerSize, "pax header", offset), offset);
                    if (pax == null) {
                        pax = records;
                    } else {
                        pax.putAll(records);
                    }
                    continue;
                }
                case 'g' -> {
                    readMeta(headerSize, "global pax header", offset); // comments and the like: ignored
                    continue;
                }
                case 'L' -> {
                    longName = cString(readMeta(headerSize, "GNU long name", offset));
                    continue;
                }
                case 'K' -> {
                    longLink = cString(readMeta(headerSize, "GNU long link name", offset));
                    continue;
                }
                case 'V' -> { // GNU volume label
                    skip(headerSize + pad(headerSize), "volume label", offset);
                    continue;
                }
                default -> {
                }
            }
            return current = entry(typeflag, headerSize, pax, longName, longLink, offset);
        }
    }

    private TarEntry entry(byte typeflag, long headerSize, Map<String, byte[]> pax, String longName,
            String longLink, long offset) throws IOException {
        String name;
        if (pax != null && pax.containsKey("path")) {
            name = latin1(pax.get("path"));
        } else if (longName != null) {
            name = longName;
        } else {
            name = field(block, 0, 100);
            if (isUstar(block)) {
                String prefix = field(block, 345, 155);
                if (!prefix.isEmpty()) {
                    name = prefix + "/" + name;
                }
            }
        }
        String link = pax != null && pax.containsKey("linkpath") ? latin1(pax.get("linkpath"))
                : longLink != null ? longLink : field(block, 157, 100);
        String shown = TarEntry.display(name);
        if (pax != null) {
            for (String k : pax.keySet()) {
                if (k.startsWith("GNU.sparse.")) {
                    throw new InvalidImageException("unsupported tar entry " + shown + ": GNU sparse file");
                }
            }
        }
        long size = pax != null && pax.containsKey("size") ? decimal(pax.get("size"), "size", shown) : headerSize;
        long uid = pax != null && pax.containsKey("uid") ? decimal(pax.get("uid"), "uid", shown)
                : number(block, 108, 8, "uid", offset);
        long gid = pax != null && pax.containsKey("gid") ? decimal(pax.get("gid"), "gid", shown)
                : number(block, 116, 8, "gid", offset);
        if (size < 0 || uid < 0 || gid < 0) {
            throw new InvalidImageException("corrupt tar entry " + shown + ": negative "
                    + (size < 0 ? "size " + size : uid < 0 ? "uid " + uid : "gid " + gid));
        }
        long mtime;
        int nanos = 0;
        if (pax != null && pax.containsKey("mtime")) {
            long[] t = paxTime(pax.get("mtime"), shown);
            mtime = t[0];
            nanos = (int) t[1];
        } else {
            mtime = number(block, 136, 12, "mtime", offset);
        }
        int mode = (int) (number(block, 100, 8, "mode", offset) & 07777);
        TarEntry.Type type = switch (typeflag) {
            case '0', 0, '7' -> name.endsWith("/") ? TarEntry.Type.DIRECTORY : TarEntry.Type.FILE;
            case '1' -> TarEntry.Type.HARDLINK;
            case '2' -> TarEntry.Type.SYMLINK;
            case '3' -> TarEntry.Type.CHAR_DEVICE;
            case '4' -> TarEntry.Type.BLOCK_DEVICE;
            case '5' -> TarEntry.Type.DIRECTORY;
            case '6' -> TarEntry.Type.FIFO;
            case 'S' -> throw new InvalidImageException("unsupported tar entry " + shown + ": GNU sparse file");
            case 'M', 'N' -> throw new InvalidImageException("unsupported tar entry " + shown
                    + ": multi-volume archive");
            default -> throw new InvalidImageException("unsupported tar entry type '"
                    + (typeflag >= 32 && typeflag < 127 ? String.valueOf((char) typeflag) : "\\" + (typeflag & 0xff))
                    + "' for " + shown + " at offset " + offset);
        };
        int major = 0;
        int minor = 0;
        if (type == TarEntry.Type.CHAR_DEVICE || type == TarEntry.Type.BLOCK_DEVICE) {
            major = (int) Math.min(Integer.MAX_VALUE, number(block, 329, 8, "devmajor", offset));
            minor = (int) Math.min(Integer.MAX_VALUE, number(block, 337, 8, "devminor", offset));
        }
        Map<String, byte[]> xattrs = new LinkedHashMap<>();
        if (pax != null) {
            for (Map.Entry<String, byte[]> e : pax.entrySet()) {
                if (e.getKey().startsWith("SCHILY.xattr.") && e.getKey().length() > "SCHILY.xattr.".length()) {
                    xattrs.put(e.getKey().substring("SCHILY.xattr.".length()), e.getValue());
                }
            }
        }
        remaining = size;
        padding = pad(size);
        return new TarEntry(name, type, mode, uid, gid, size, mtime, nanos,
                type == TarEntry.Type.SYMLINK || type == TarEntry.Type.HARDLINK ? link : "",
                major, minor, xattrs, offset);
    }

    /**
     * After the end of the archive: reads what follows (normally the zero padding up to the record size) so
     * that a decompressor verifies its trailer and checksum; a truncated or corrupt compressed file then fails
     * even though the archive itself was complete. Stops after {@code max} bytes. Returns the bytes read.
     */
    public long drain(long max) throws IOException {
        if (!finished) {
            throw new IllegalStateException("drain before the end of the archive");
        }
        long n = 0;
        int r;
        while (n < max && (r = in.read(scratch, 0, (int) Math.min(scratch.length, max - n))) > 0) {
            n += r;
            position += r;
        }
        return n;
    }

    /** Reads data of the current entry; -1 at its end. */
    public int read(byte[] b, int off, int len) throws IOException {
        if (current == null || remaining == 0) {
            return -1;
        }
        int want = (int) Math.min(len, remaining);
        int n = in.read(b, off, want);
        if (n < 0) {
            throw truncated();
        }
        position += n;
        remaining -= n;
        return n;
    }

    /** The current entry's data as a stream (not closing the archive). */
    public InputStream entryStream() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = TarReader.this.read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return TarReader.this.read(b, off, len);
            }
        };
    }

    private InvalidImageException truncated() {
        long got = current.size() - remaining;
        return new InvalidImageException("truncated archive: " + current + " declares " + current.size()
                + " bytes of data but the archive ends after " + got);
    }

    private void skipRest() throws IOException {
        if (current == null) {
            return;
        }
        while (remaining > 0) {
            int n = read(scratch, 0, (int) Math.min(scratch.length, remaining));
            if (n < 0) {
                throw truncated();
            }
        }
        skip(padding, "padding of " + current, current.offset());
        padding = 0;
        current = null;
    }

    private void skip(long n, String what, long offset) throws IOException {
        while (n > 0) {
            int r = in.read(scratch, 0, (int) Math.min(scratch.length, n));
            if (r < 0) {
                throw new InvalidImageException("truncated archive: " + what + " at offset " + offset + " is cut short");
            }
            position += r;
            n -= r;
        }
    }

    private byte[] readMeta(long size, String what, long offset) throws IOException {
        if (size > MAX_META_BYTES) {
            throw new InvalidImageException(what + " at offset " + offset + " declares " + size
                    + " bytes (limit " + MAX_META_BYTES + ")");
        }
        byte[] data = in.readNBytes((int) size);
        position += data.length;
        if (data.length < size) {
            throw new InvalidImageException("truncated archive: " + what + " at offset " + offset + " is cut short");
        }
        skip(pad(size), what, offset);
        return data;
    }

    private int readBlock() throws IOException {
        int n = in.readNBytes(block, 0, BLOCK);
        position += n;
        return n;
    }

    private static long pad(long size) {
        return (BLOCK - size % BLOCK) % BLOCK;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    // ------------------------------------------------------------------------------------------ decoding

    /** True when a 512-byte block has a valid tar header checksum (used to recognise uncompressed tar). */
    static boolean looksLikeHeader(byte[] b) {
        return b.length >= BLOCK && !isZero(b) && checksumOk(b);
    }

    private static boolean isZero(byte[] b) {
        for (int i = 0; i < BLOCK; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean checksumOk(byte[] b) {
        long stored;
        try {
            stored = octal(b, 148, 8);
        } catch (NumberFormatException e) {
            return false;
        }
        long unsigned = 0;
        long signed = 0;
        for (int i = 0; i < BLOCK; i++) {
            int v = i >= 148 && i < 156 ? ' ' : b[i];
            unsigned += v & 0xff;
            signed += (byte) v;
        }
        return stored == unsigned || stored == signed;
    }

    private static boolean isUstar(byte[] b) {
        return b[257] == 'u' && b[258] == 's' && b[259] == 't' && b[260] == 'a' && b[261] == 'r' && b[262] == 0;
    }

    /** A numeric header field: octal, or GNU base-256 (first byte 0x80 positive / 0xff negative). */
    private static long number(byte[] b, int off, int len, String what, long offset) throws InvalidImageException {
        if ((b[off] & 0x80) != 0) {
            int first = b[off] & 0x7f;
            long v = (first & 0x40) != 0 ? first - 0x80 : first; // sign-extend the 7 value bits
            for (int i = 1; i < len; i++) {
                if (v > (Long.MAX_VALUE >> 8) || v < (Long.MIN_VALUE >> 8)) {
                    throw new InvalidImageException("corrupt tar header at offset " + offset + ": " + what
                            + " field overflows");
                }
                v = (v << 8) | (b[off + i] & 0xff);
            }
            return v;
        }
        try {
            return octal(b, off, len);
        } catch (NumberFormatException e) {
            throw new InvalidImageException("corrupt tar header at offset " + offset + ": invalid " + what
                    + " field");
        }
    }

    private static long octal(byte[] b, int off, int len) {
        int i = off;
        int end = off + len;
        while (i < end && (b[i] == ' ' || b[i] == 0)) {
            i++;
        }
        long v = 0;
        for (; i < end && b[i] != 0 && b[i] != ' '; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 7) {
                throw new NumberFormatException();
            }
            v = (v << 3) | d;
        }
        for (; i < end; i++) { // only terminators may follow
            if (b[i] != 0 && b[i] != ' ') {
                throw new NumberFormatException();
            }
        }
        return v;
    }

    /** A NUL-terminated header string field, as a byte string. */
    private static String field(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.ISO_8859_1);
    }

    private static String cString(byte[] data) {
        int end = 0;
        while (end < data.length && data[end] != 0) {
            end++;
        }
        return new String(data, 0, end, StandardCharsets.ISO_8859_1);
    }

    private static String latin1(byte[] data) {
        return new String(data, StandardCharsets.ISO_8859_1);
    }

    /** pax records: "LEN KEY=VALUE\n"; keys are byte strings, values raw bytes. Empty values unset a key. */
    private static Map<String, byte[]> parsePax(byte[] data, long offset) throws InvalidImageException {
        Map<String, byte[]> out = new HashMap<>();
        int pos = 0;
        while (pos < data.length) {
            if (data[pos] == 0) {
                break; // NUL padding
            }
            int sp = pos;
            long len = 0;
            while (sp < data.length && data[sp] >= '0' && data[sp] <= '9' && len < Integer.MAX_VALUE) {
                len = len * 10 + (data[sp] - '0');
                sp++;
            }
            if (sp == pos || sp >= data.length || data[sp] != ' ' || len <= sp - pos + 1
                    || pos + len > data.length || data[(int) (pos + len - 1)] != '\n') {
                throw new InvalidImageException("corrupt pax header at offset " + offset);
            }
            int recEnd = (int) (pos + len - 1);
            int eq = sp + 1;
            while (eq < recEnd && data[eq] != '=') {
                eq++;
            }
            if (eq >= recEnd) {
                throw new InvalidImageException("corrupt pax header at offset " + offset + " (record without '=')");
            }
            String key = new String(data, sp + 1, eq - sp - 1, StandardCharsets.ISO_8859_1);
            byte[] value = java.util.Arrays.copyOfRange(data, eq + 1, recEnd);
            if (value.length == 0) {
                out.remove(key);
            } else {
                out.put(key, value);
            }
            pos += (int) len;
        }
        return out;
    }

    private static long decimal(byte[] v, String what, String entry) throws InvalidImageException {
        String s = new String(v, StandardCharsets.US_ASCII).trim();
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new InvalidImageException("corrupt pax header of " + entry + ": invalid " + what + " '" + s + "'");
        }
    }

    /** pax time: [-]SECONDS[.FRACTION] to {seconds, nanos}. */
    private static long[] paxTime(byte[] v, String entry) throws InvalidImageException {
        String s = new String(v, StandardCharsets.US_ASCII).trim();
        if (!s.matches("-?[0-9]{1,19}(\\.[0-9]{0,30})?")) {
            throw new InvalidImageException("corrupt pax header of " + entry + ": invalid mtime '" + s + "'");
        }
        try {
            java.math.BigDecimal d = new java.math.BigDecimal(s);
            java.math.BigDecimal secs = d.setScale(0, java.math.RoundingMode.FLOOR);
            long nanos = d.subtract(secs).movePointRight(9).setScale(0, java.math.RoundingMode.FLOOR).longValueExact();
            return new long[] {secs.longValueExact(), nanos};
        } catch (NumberFormatException | ArithmeticException e) {
            throw new InvalidImageException("corrupt pax header of " + entry + ": invalid mtime '" + s + "'");
        }
    }
}
