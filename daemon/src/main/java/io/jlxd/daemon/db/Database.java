package io.jlxd.daemon.db;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;
import org.flywaydb.core.Flyway;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The daemon's SQLite state store: WAL mode, a busy timeout and foreign keys, schema by Flyway migrations
 * (classpath db/migration). One connection, used under a lock: SQLite serialises writers anyway, and the
 * daemon keeps hot data in memory.
 */
public final class Database implements AutoCloseable {
    private final Connection connection;
    private final ReentrantLock lock = new ReentrantLock();

    private Database(Connection connection) {
        this.connection = connection;
    }

    /** Opens (creating if needed) and migrates the database file. */
    public static Database open(Path file) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(5000);
        config.enforceForeignKeys(true);
        SQLiteDataSource ds = new SQLiteDataSource(config);
        ds.setUrl("jdbc:sqlite:" + file);
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        Connection c = ds.getConnection();
        c.setAutoCommit(true);
        return new Database(c);
    }

    /** Work against the database. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs read work (or a single statement) under the lock. */
    public <T> T query(Work<T> work) {
        lock.lock();
        try {
            return work.run(connection);
        } catch (SQLException e) {
            throw new DatabaseException(e);
        } finally {
            lock.unlock();
        }
    }

    /** Runs work in one transaction: all of it is stored, or none. */
    public <T> T transaction(Work<T> work) {
        lock.lock();
        try {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new DatabaseException(e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() throws SQLException {
        lock.lock();
        try {
            connection.close();
        } finally {
            lock.unlock();
        }
    }

    /** An unexpected database failure. */
    public static final class DatabaseException extends RuntimeException {
        DatabaseException(SQLException e) {
            super("database: " + e.getMessage(), e);
        }
    }
}
