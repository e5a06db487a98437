package dev.nagare.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL 15+ server shared by every node and command: a pool of {@code poolSize} connections
 * (HikariCP) used by as many store worker threads, so transactions run side by side and never on an
 * event loop. Migrations are {@code db/postgres/<component>/NNN.sql}, each applied under an advisory
 * lock, so nodes that start together apply each one once.
 */
public final class PostgresStore implements Store {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresStore.class);
    /** Advisory lock key of migrations: "nagare" in ASCII. */
    private static final String MIGRATION_LOCK = "SELECT pg_advisory_xact_lock(110971103114101)";

    private final WorkerExecutor workers;
    private final HikariDataSource pool;
    private final String where;
    private volatile Map<String, Integer> schema = Map.of();
    private volatile boolean closed;

    private PostgresStore(WorkerExecutor workers, HikariDataSource pool, String where) {
        this.workers = workers;
        this.pool = pool;
        this.where = where;
    }

    /** Connects, checks the server answers, and migrates {@code components}. */
    public static Future<Store> open(Vertx vertx, StoreConfig config, List<String> components) {
        WorkerExecutor workers = vertx.createSharedWorkerExecutor("nagare-store-pg", config.poolSize());
        return workers.executeBlocking(() -> {
            HikariConfig hc = new HikariConfig();
            hc.setPoolName("nagare-store");
            hc.setJdbcUrl(config.jdbcUrl());
            hc.setUsername(config.user());
            hc.setPassword(config.password());
            hc.setMaximumPoolSize(config.poolSize());
            hc.setMinimumIdle(Math.min(2, config.poolSize()));
            hc.setAutoCommit(false);
            hc.setConnectionTimeout(5_000);
            hc.setValidationTimeout(2_000);
            hc.addDataSourceProperty("ApplicationName", "nagare");
            hc.addDataSourceProperty("connectTimeout", "5");
            hc.addDataSourceProperty("tcpKeepAlive", "true");
            HikariDataSource pool;
            try {
                pool = new HikariDataSource(hc);
            } catch (RuntimeException e) {
                throw new SQLException("cannot connect to " + config.describe() + ": " + rootMessage(e), e);
            }
            PostgresStore store = new PostgresStore(workers, pool, config.describe());
            try {
                store.migrate(components);
            } catch (SQLException | RuntimeException e) {
                pool.close();
                throw e;
            }
            LOG.info("Store ready: {} (schema {}, {} connections)", store.where, store.schema, config.poolSize());
            return (Store) store;
        }, false).onFailure(e -> workers.close());
    }

    @Override
    public <T> Future<T> transact(Work<T> work) {
        if (closed) {
            return Future.failedFuture(new IllegalStateException("store is closed"));
        }
        return workers.executeBlocking(() -> inTransaction(work), false);
    }

    @Override
    public Map<String, Integer> schema() {
        return schema;
    }

    @Override
    public String describe() {
        return where;
    }

    @Override
    public Future<Void> close() {
        if (closed) {
            return Future.succeededFuture();
        }
        closed = true;
        return workers.<Void>executeBlocking(() -> {
            pool.close();
            LOG.info("Store closed");
            return null;
        }, false).eventually(() -> workers.close());
    }

    private <T> T inTransaction(Work<T> work) throws SQLException {
        try (Connection c = pool.getConnection()) {
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private void migrate(List<String> components) throws SQLException {
        Migrations migrations = new Migrations("postgres");
        inTransaction(c -> {
            try (Statement st = c.createStatement()) {
                st.execute(MIGRATION_LOCK);
            }
            migrations.prepare(c);
            return null;
        });
        schema = java.util.Collections.unmodifiableMap(migrations.apply(components, work -> inTransaction(work), MIGRATION_LOCK));
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage());
    }
}
