package io.jlxd.daemon.migration.wire;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The few pieces of protobuf's binary encoding that LXD's {@code migrate.proto} (proto2) needs: varints
 * (bool, enum, int32, int64, uint32) and length-delimited fields (string, embedded message). Unknown fields are
 * skipped when reading, as protobuf does, so a peer that sends more than jlxd knows still parses.
 */
public final class Proto {
    private Proto() {
    }

    static final int VARINT = 0;
    static final int I64 = 1;
    static final int LEN = 2;
    static final int I32 = 5;

    /** Builds one message. */
    public static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        private void tag(int field, int type) {
            varint(((long) field << 3) | type);
        }

        private void varint(long v) {
            while ((v & ~0x7FL) != 0) {
                out.write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
        }

        public Writer bool(int field, boolean v) {
            tag(field, VARINT);
            varint(v ? 1 : 0);
            return this;
        }

        /** int32, enum, int64 and uint32 values (a negative int32 is sign-extended to 10 bytes, as protobuf does). */
        public Writer int64(int field, long v) {
            tag(field, VARINT);
            varint(v);
            return this;
        }

        public Writer string(int field, String v) {
            return bytes(field, v.getBytes(StandardCharsets.UTF_8));
        }

        public Writer bytes(int field, byte[] v) {
            tag(field, LEN);
            varint(v.length);
            out.writeBytes(v);
            return this;
        }

        public Writer message(int field, Writer m) {
            return bytes(field, m.toBytes());
        }

        public byte[] toBytes() {
            return out.toByteArray();
        }
    }

    /** One field read: its number, its wire type and its value (a varint, or the bytes of a length-delimited one). */
    public record Field(int number, int type, long varint, byte[] bytes) {
        public boolean bool() {
            return varint != 0;
        }

        public String string() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** The fields of one message in order; malformed input is an {@link IllegalArgumentException}. */
    public static List<Field> read(byte[] data) {
        List<Field> out = new ArrayList<>();
        int[] pos = {0};
        while (pos[0] < data.length) {
            long key = varint(data, pos);
            int number = (int) (key >>> 3);
            int type = (int) (key & 7);
            if (number <= 0) {
                throw new IllegalArgumentException("invalid field number " + number);
            }
            switch (type) {
                case VARINT -> out.add(new Field(number, type, varint(data, pos), null));
                case LEN -> {
                    long len = varint(data, pos);
                    if (len < 0 || len > data.length - pos[0]) {
                        throw new IllegalArgumentException("truncated field " + number);
                    }
                    byte[] b = java.util.Arrays.copyOfRange(data, pos[0], pos[0] + (int) len);
                    pos[0] += (int) len;
                    out.add(new Field(number, type, 0, b));
                }
                case I64 -> skip(data, pos, 8);
                case I32 -> skip(data, pos, 4);
                default -> throw new IllegalArgumentException("unsupported wire type " + type + " (field " + number + ")");
            }
        }
        return out;
    }

    private static void skip(byte[] data, int[] pos, int n) {
        if (data.length - pos[0] < n) {
            throw new IllegalArgumentException("truncated message");
        }
        pos[0] += n;
    }

    private static long varint(byte[] data, int[] pos) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos[0] >= data.length) {
                throw new IllegalArgumentException("truncated varint");
            }
            int b = data[pos[0]++] & 0xFF;
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new IllegalArgumentException("varint too long");
    }
}
