package dev.nagare.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * The persistence seam. Work runs off the event loop, on the store's own workers, with a JDBC
 * connection; the returned future completes on the caller's context. Two backends: {@link SqliteStore}
 * (a file under the data directory, the embedded default) and {@link PostgresStore} (a shared server,
 * pooled connections). The capabilities above it (accounts, sessions, tokens, chat history, feed
 * history) speak the SQL that both understand (SQLite 3.35+, PostgreSQL 15+: {@code ON CONFLICT},
 * {@code RETURNING}, savepoints); what differs (types, identity columns, case-insensitive names) lives
 * in each backend's migrations, {@code db/<backend>/<component>/NNN.sql}.
 */
public interface Store {

    /** The components whose tables a full server needs, in the order they are migrated. */
    List<String> COMPONENTS = List.of("instance", "auth", "chat", "feed");

    /** Blocking JDBC work. Runs on a store worker thread, never on an event loop. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** Opens the store {@code config} names and applies the migrations {@code components} need. */
    static Future<Store> open(Vertx vertx, StoreConfig config, List<String> components) {
        return switch (config.kind()) {
            case SQLITE -> SqliteStore.open(vertx, config.dataDir(), components);
            case POSTGRES -> PostgresStore.open(vertx, config, components);
        };
    }

    /**
     * Runs {@code work} in a transaction; commits when it returns, rolls back when it throws. On a
     * pooled backend several transactions may run at once: callers that need an order chain them.
     */
    <T> Future<T> transact(Work<T> work);

    /** Completes when the database answers a trivial query; used by the readiness check. */
    default Future<Void> ping() {
        return transact(c -> {
            try (java.sql.Statement st = c.createStatement(); java.sql.ResultSet rs = st.executeQuery("SELECT 1")) {
                rs.next();
                return null;
            }
        });
    }

    /** Each migrated component's schema version. */
    Map<String, Integer> schema();

    /** Where it is, for logs and messages; never with a password. */
    String describe();

    /** Flushes and closes; later calls fail. */
    Future<Void> close();

    /** Whether {@code e} is a unique-constraint violation, on either backend. */
    static boolean uniqueViolation(SQLException e) {
        // PostgreSQL: SQLSTATE 23505. SQLite: SQLITE_CONSTRAINT_UNIQUE / _PRIMARYKEY (extended codes 2067, 1555).
        return "23505".equals(e.getSQLState()) || e.getErrorCode() == 2067 || e.getErrorCode() == 1555
                || (e.getErrorCode() == 19 && String.valueOf(e.getMessage()).contains("UNIQUE constraint failed"));
    }
}
