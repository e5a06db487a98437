package dev.nagare.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SQLite under the data dir ({@code nagare.db}), in WAL mode. One connection on one dedicated worker
 * thread: SQLite serialises writers anyway, and a single owner thread means the connection needs no
 * locking; work runs in the order it was asked for. Migrations are {@code db/sqlite/<component>/NNN.sql}
 * (see {@link Migrations}); a file from before components (one {@code schema_version} list) is
 * converted in place on open.
 */
public final class SqliteStore implements Store {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteStore.class);
    static final String FILE_NAME = "nagare.db";
    /** The single list of versions 1..5 that came before components, and what each became. */
    private static final String[][] LEGACY = {
        {"instance", "1"}, {"auth", "1"}, {"auth", "2"}, {"chat", "1"}, {"feed", "1"}};

    private final WorkerExecutor worker;
    private final Connection connection; // store-worker thread only
    private final Path file;
    private volatile Map<String, Integer> schema = Map.of();
    private volatile boolean closed;

    private SqliteStore(WorkerExecutor worker, Connection connection, Path file) {
        this.worker = worker;
        this.connection = connection;
        this.file = file;
    }

    /** Opens (creating the directory and file if needed) and migrates every component. */
    public static Future<Store> open(Vertx vertx, Path dataDir) {
        return open(vertx, dataDir, COMPONENTS);
    }

    /** Opens (creating the directory and file if needed) and migrates {@code components}. */
    public static Future<Store> open(Vertx vertx, Path dataDir, List<String> components) {
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
            SqliteStore store = new SqliteStore(worker, c, file);
            try {
                store.migrate(components);
            } catch (SQLException | RuntimeException e) {
                c.close();
                throw e;
            }
            LOG.info("Store ready: {} (schema {})", file, store.schema);
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
    public Map<String, Integer> schema() {
        return schema;
    }

    @Override
    public String describe() {
        return file.toString();
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

    private void migrate(List<String> components) throws SQLException {
        Migrations migrations = new Migrations("sqlite");
        inTransaction(c -> {
            migrations.prepare(c);
            convertLegacy(c);
            return null;
        });
        schema = java.util.Collections.unmodifiableMap(migrations.apply(components, work -> inTransaction(work), null));
    }

    /** Turns the one list of versions (schema_version, before components) into per-component rows. */
    private static void convertLegacy(Connection c) throws SQLException {
        try (ResultSet rs = c.getMetaData().getTables(null, null, "schema_version", null)) {
            if (!rs.next()) {
                return;
            }
        }
        int legacy;
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
            rs.next();
            legacy = rs.getInt(1);
        }
        if (legacy > LEGACY.length) {
            throw new SQLException("the store's schema is at version " + legacy + ", newer than this Nagare knows");
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + Migrations.TABLE
                + "(component, version, applied_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
            for (int v = 0; v < legacy; v++) {
                ps.setString(1, LEGACY[v][0]);
                ps.setInt(2, Integer.parseInt(LEGACY[v][1]));
                ps.setLong(3, System.currentTimeMillis());
                ps.executeUpdate();
            }
        }
        try (Statement st = c.createStatement()) {
            st.execute("DROP TABLE schema_version");
        }
        LOG.info("Store: converted schema version {} to per-component migrations", legacy);
    }
}
