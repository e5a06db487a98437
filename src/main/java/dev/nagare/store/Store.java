package dev.nagare.store;

import io.vertx.core.Future;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The persistence seam. Work runs off the event loop, on the store's own worker, with a JDBC
 * connection; the returned future completes on the caller's context. SQLite is the embedded default;
 * another JDBC backend implements the same interface with its own migrations.
 */
public interface Store {

    /** Blocking JDBC work. Runs on a store worker thread, never on an event loop. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** Runs {@code work} in a transaction; commits when it returns, rolls back when it throws. */
    <T> Future<T> transact(Work<T> work);

    /** Completes when the database answers a trivial query; used by the readiness check. */
    Future<Void> ping();

    /** The highest migration applied. */
    int schemaVersion();

    /** Flushes (checkpoints) and closes; later calls fail. */
    Future<Void> close();
}
