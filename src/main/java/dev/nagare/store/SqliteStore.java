package dev.nagare.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SQLite under the data dir ({@code nagare.db}), in WAL mode. One connection on one dedicated worker
 * thread: SQLite serialises writers anyway, and a single owner thread means the connection needs no
 * locking. Migrations are {@code db/sqlite/NNN.sql} on the classpath, applied in order at open, each
 * in its own transaction, recorded in {@code schema_version}.
 */
public final class SqliteStore implements Store {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteStore.class);
    static final String FILE_NAME = "nagare.db";

    private final WorkerExecutor worker;
    private final Connection connection; // store-worker thread only
    private volatile int schemaVersion;
    private volatile boolean closed;

    private SqliteStore(WorkerExecutor worker, Connection connection) {
        this.worker = worker;
        this.connection = connection;
    }

    /** Opens (creating the directory and file if needed) and migrates the store. */
    public static Future<Store> open(Vertx vertx, Path dataDir) {
        WorkerExecutor worker = vertx.createSharedWorkerExecutor("nagare-store", 1);
        return worker.executeBlocking(() -> {
            Files.createDirectories(dataDir);
            Path file = dataDir.resolve(FILE_NAME);
            Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
            try (Statement st = c.createStatement()) {
                st.execute("PRAGMA journal_mode=WAL");
                st.execute("PRAGMA synchronous=NORMAL");
                st.execute("PRAGMA foreign_keys=ON");
                st.execute("PRAGMA busy_timeout=5000");
            }
            SqliteStore store = new SqliteStore(worker, c);
            store.migrate();
            LOG.info("Store ready: {} (schema version {})", file, store.schemaVersion);
            return (Store) store;
        }, true).onFailure(e -> worker.close());
    }

    @Override
    public <T> Future<T> transact(Work<T> work) {
        if (closed) {
            return Future.failedFuture(new IllegalStateException("store is closed"));
        }
        return worker.executeBlocking(() -> inTransaction(work), true);
    }

    @Override
    public Future<Void> ping() {
        return transact(c -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
                rs.next();
                return null;
            }
        });
    }

    @Override
    public int schemaVersion() {
        return schemaVersion;
    }

    @Override
    public Future<Void> close() {
        if (closed) {
            return Future.succeededFuture();
        }
        closed = true;
        return worker.<Void>executeBlocking(() -> {
            try (Statement st = connection.createStatement()) {
                st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            } finally {
                connection.close();
            }
            LOG.info("Store flushed and closed");
            return null;
        }, true).eventually(() -> worker.close());
    }

    private <T> T inTransaction(Work<T> work) throws SQLException {
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
    }

    private void migrate() throws SQLException, IOException {
        try (Statement st = connection.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS schema_version ("
                    + "version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)");
        }
        int current;
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
            rs.next();
            current = rs.getInt(1);
        }
        for (int v = current + 1; ; v++) {
            String sql = migration(v);
            if (sql == null) {
                break;
            }
            final int version = v;
            inTransaction(c -> {
                try (Statement st = c.createStatement()) {
                    for (String stmt : sql.split(";\\s*(\\r?\\n|$)")) {
                        if (!stmt.isBlank()) {
                            st.execute(stmt);
                        }
                    }
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO schema_version(version, applied_at) VALUES (?, ?)")) {
                    ps.setInt(1, version);
                    ps.setLong(2, System.currentTimeMillis());
                    ps.executeUpdate();
                }
                return null;
            });
            LOG.info("Applied store migration {}", String.format("%03d", v));
            current = v;
        }
        schemaVersion = current;
    }

    private static String migration(int version) throws IOException {
        String name = String.format("/db/sqlite/%03d.sql", version);
        try (InputStream in = SqliteStore.class.getResourceAsStream(name)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
