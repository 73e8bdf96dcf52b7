package io.jlxd.daemon.exec;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.jlxd.daemon.util.Ffm;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * A pseudo-terminal pair opened by the daemon itself through FFM (posix_openpt, grantpt, unlockpt, ptsname_r; no
 * fork). The master stays in the daemon ({@link #read}, {@link #write}, {@link #resize}); the slave is named by
 * {@link #slave()} and opened by the exec helper process, never by the daemon (a session leader opening a tty
 * would make it its controlling terminal). Reads block in native code: call them from a platform thread.
 */
public final class Pty implements AutoCloseable {
    static final int O_RDWR = 2;
    static final int O_NOCTTY = 0x100;
    static final int O_CLOEXEC = 0x80000;
    static final long TIOCSWINSZ = 0x5414;
    static final long TIOCGWINSZ = 0x5413;
    static final int ECHO = 0x8;
    static final int EINTR = 4;
    static final int EIO = 5;
    static final int EAGAIN = 11;

    private static final MethodHandle POSIX_OPENPT = Ffm.errnoCall("posix_openpt", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle GRANTPT = Ffm.errnoCall("grantpt", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle UNLOCKPT = Ffm.errnoCall("unlockpt", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle PTSNAME_R = Ffm.errnoCall("ptsname_r", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle READ = Ffm.errnoCall("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE = Ffm.errnoCall("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle CLOSE = Ffm.errnoCall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle IOCTL = Ffm.errnoCall("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle TCGETATTR = Ffm.errnoCall("tcgetattr", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle KILL = Ffm.errnoCall("kill", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final StructLayout WINSIZE = MemoryLayout.structLayout(JAVA_SHORT.withName("rows"),
            JAVA_SHORT.withName("cols"), JAVA_SHORT.withName("xpixel"), JAVA_SHORT.withName("ypixel"));

    private final int master;
    private final Path slave;
    private volatile boolean closed;

    private Pty(int master, Path slave) {
        this.master = master;
        this.slave = slave;
    }

    /** Opens a new pair with the given window size. */
    public static Pty open(int width, int height) throws IOException {
        int fd;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(Ffm.CAPTURE);
            fd = (int) POSIX_OPENPT.invokeExact(st, O_RDWR | O_NOCTTY | O_CLOEXEC);
            if (fd < 0) {
                throw new IOException("posix_openpt: errno " + Ffm.errno(st));
            }
            try {
                if ((int) GRANTPT.invokeExact(st, fd) != 0 || (int) UNLOCKPT.invokeExact(st, fd) != 0) {
                    throw new IOException("grantpt/unlockpt: errno " + Ffm.errno(st));
                }
                MemorySegment buf = a.allocate(256);
                int rc = (int) PTSNAME_R.invokeExact(st, fd, buf, 256L);
                if (rc != 0) {
                    throw new IOException("ptsname_r: error " + rc);
                }
                Pty pty = new Pty(fd, Path.of(buf.getString(0)));
                pty.resize(width, height);
                return pty;
            } catch (IOException | RuntimeException e) {
                int ignored = (int) CLOSE.invokeExact(st, fd);
                throw e;
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /** Takes over the master (ptx) side of a pty opened elsewhere (a container's console); it has no slave path. */
    public static Pty adopt(int master) {
        return new Pty(master, null);
    }

    /** close(2) of a descriptor handed over by native code (e.g. a console's keep-alive socket). */
    public static void closeFd(int fd) {
        if (fd < 0) {
            return;
        }
        try (Arena a = Arena.ofConfined()) {
            int ignored = (int) CLOSE.invokeExact(a.allocate(Ffm.CAPTURE), fd);
        } catch (Throwable t) {
            // nothing left to do
        }
    }

    /** The slave's path ({@code /dev/pts/N}). */
    public Path slave() {
        return slave;
    }

    /** Reads from the master; -1 at the end (EIO: every slave closed, or closed here). Blocks. */
    public int read(byte[] dst) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(Ffm.CAPTURE);
            MemorySegment buf = a.allocate(dst.length);
            while (true) {
                if (closed) {
                    return -1;
                }
                long n = (long) READ.invokeExact(st, master, buf, (long) dst.length);
                if (n > 0) {
                    MemorySegment.copy(buf, JAVA_BYTE_LAYOUT, 0, dst, 0, (int) n);
                    return (int) n;
                }
                if (n == 0) {
                    return -1;
                }
                int errno = Ffm.errno(st);
                if (errno == EINTR || errno == EAGAIN) {
                    continue;
                }
                if (errno == EIO) {
                    return -1;
                }
                throw new IOException("read from pty master: errno " + errno);
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    private static final java.lang.foreign.ValueLayout.OfByte JAVA_BYTE_LAYOUT = java.lang.foreign.ValueLayout.JAVA_BYTE;

    /** Writes every byte to the master (the command's input). */
    public void write(byte[] src, int off, int len) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(Ffm.CAPTURE);
            MemorySegment buf = a.allocate(Math.max(1, len));
            MemorySegment.copy(src, off, buf, JAVA_BYTE_LAYOUT, 0, len);
            long done = 0;
            while (done < len) {
                long n = (long) WRITE.invokeExact(st, master, buf.asSlice(done), (long) len - done);
                if (n < 0) {
                    int errno = Ffm.errno(st);
                    if (errno == EINTR || errno == EAGAIN) {
                        continue;
                    }
                    throw new IOException("write to pty master: errno " + errno);
                }
                done += n;
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /** Sets the window size (TIOCSWINSZ on the master). */
    public void resize(int width, int height) throws IOException {
        if (width <= 0 || height <= 0 || width > 0xffff || height > 0xffff) {
            throw new IllegalArgumentException("window size must be 1..65535: " + width + "x" + height);
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(Ffm.CAPTURE);
            MemorySegment ws = a.allocate(WINSIZE);
            ws.set(JAVA_SHORT, 0, (short) height);
            ws.set(JAVA_SHORT, 2, (short) width);
            if ((int) IOCTL.invokeExact(st, master, TIOCSWINSZ, ws) != 0) {
                throw new IOException("TIOCSWINSZ: errno " + Ffm.errno(st));
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /** The window size as {width, height}. */
    public int[] size() throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(Ffm.CAPTURE);
            MemorySegment ws = a.allocate(WINSIZE);
            if ((int) IOCTL.invokeExact(st, master, TIOCGWINSZ, ws) != 0) {
                throw new IOException("TIOCGWINSZ: errno " + Ffm.errno(st));
            }
            return new int[] {Short.toUnsignedInt(ws.get(JAVA_SHORT, 2)), Short.toUnsignedInt(ws.get(JAVA_SHORT, 0))};
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /** Whether the terminal echoes input (ECHO in c_lflag, read through the master); false once set raw. */
    public boolean echoes() throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(Ffm.CAPTURE);
            MemorySegment termios = a.allocate(64);
            if ((int) TCGETATTR.invokeExact(st, master, termios) != 0) {
                throw new IOException("tcgetattr: errno " + Ffm.errno(st));
            }
            return (termios.get(JAVA_INT, 12) & ECHO) != 0;
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /** kill(2): used to tell lxc-attach to copy the new window size into the container's pty (SIGWINCH). */
    static boolean kill(long pid, int signal) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(Ffm.CAPTURE);
            return (int) KILL.invokeExact(st, (int) pid, signal) == 0;
        } catch (Throwable t) {
            return false;
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(Ffm.CAPTURE);
            int ignored = (int) CLOSE.invokeExact(st, master);
        } catch (Throwable t) {
            // nothing left to do
        }
    }

}
