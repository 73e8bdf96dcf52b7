package io.jlxd.daemon.log;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.logging.ErrorManager;
import java.util.logging.LogRecord;
import java.util.logging.StreamHandler;

/**
 * A log file under the exact name it was given ({@code logs/jlxd.log}), moved to {@code NAME.1} when it passes
 * {@code limit} bytes (one old generation). Unlike {@link java.util.logging.FileHandler} it neither appends a
 * generation number to the name nor leaves a {@code .lck} file behind: the data directory's lock already makes the
 * daemon the only writer.
 */
final class RotatingFileHandler extends StreamHandler {
    private final Path file;
    private final long limit;
    private CountingStream out;

    RotatingFileHandler(Path file, long limit) throws IOException {
        this.file = file;
        this.limit = limit;
        open();
    }

    private void open() throws IOException {
        OutputStream s = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        out = new CountingStream(s, Files.size(file));
        setOutputStream(out);
    }

    @Override
    public synchronized void publish(LogRecord record) {
        super.publish(record);
        flush();
        if (out.written >= limit) {
            try {
                Files.move(file, file.resolveSibling(file.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
                open(); // closes the old stream (setOutputStream flushes and closes it)
            } catch (IOException e) {
                reportError("cannot rotate " + file, e, ErrorManager.WRITE_FAILURE);
            }
        }
    }

    private static final class CountingStream extends OutputStream {
        private final OutputStream s;
        private long written;

        CountingStream(OutputStream s, long start) {
            this.s = s;
            this.written = start;
        }

        @Override
        public void write(int b) throws IOException {
            s.write(b);
            written++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            s.write(b, off, len);
            written += len;
        }

        @Override
        public void flush() throws IOException {
            s.flush();
        }

        @Override
        public void close() throws IOException {
            s.close();
        }
    }
}
