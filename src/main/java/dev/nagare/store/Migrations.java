package dev.nagare.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Versioned schema migrations, per backend and per component: {@code db/<backend>/<component>/NNN.sql}
 * on the classpath, numbered from 001 without gaps, applied in order at start-up, each in its own
 * transaction, recorded in {@code schema_migrations(component, version)}. A component (auth, chat,
 * feed...) owns its tables, so a server without the chat app has no chat tables. A store whose schema
 * for a component is newer than this code knows is refused: running old code on it could lose data.
 */
final class Migrations {
    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);
    static final String TABLE = "schema_migrations";

    /** Runs one unit of work in a transaction of the backend (commit on return, rollback on throw). */
    @FunctionalInterface
    interface Transactor {
        void run(Store.Work<Void> work) throws SQLException;
    }

    private final String backend;

    Migrations(String backend) {
        this.backend = backend;
    }

    /** Creates the bookkeeping table if needed. */
    void prepare(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (component TEXT NOT NULL, version INTEGER NOT NULL,"
                    + " applied_at BIGINT NOT NULL, PRIMARY KEY (component, version))");
        }
    }

    /**
     * Applies what is missing of each component; returns each component's version afterwards.
     * {@code lock} runs first in every migration transaction (PostgreSQL: an advisory lock, so nodes
     * starting together apply each migration once).
     */
    Map<String, Integer> apply(List<String> components, Transactor tx, String lock) throws SQLException {
        Map<String, Integer> versions = new LinkedHashMap<>();
        for (String component : components) {
            int known = highest(component);
            for (int v = 1; v <= known; v++) {
                String sql = script(component, v);
                final int version = v;
                boolean[] applied = {false};
                tx.run(c -> {
                    if (lock != null) {
                        try (Statement st = c.createStatement()) {
                            st.execute(lock);
                        }
                    }
                    int have = applied(c, component);
                    if (have > known) {
                        throw new SQLException("the store's schema for '" + component + "' is at version " + have
                                + ", newer than this Nagare knows (" + known + "): run the newer Nagare, or a copy of"
                                + " the data made before it upgraded");
                    }
                    if (have >= version) {
                        return null;
                    }
                    execute(c, sql);
                    try (PreparedStatement ps = c.prepareStatement(
                            "INSERT INTO " + TABLE + "(component, version, applied_at) VALUES (?, ?, ?)")) {
                        ps.setString(1, component);
                        ps.setInt(2, version);
                        ps.setLong(3, System.currentTimeMillis());
                        ps.executeUpdate();
                    }
                    applied[0] = true;
                    return null;
                });
                if (applied[0]) {
                    LOG.info("Applied store migration {} {}", component, String.format("%03d", v));
                }
            }
            versions.put(component, known);
        }
        return versions;
    }

    /** The highest version of {@code component} applied to the store the connection reaches (0: none). */
    static int applied(Connection c, String component) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT COALESCE(MAX(version), 0) FROM " + TABLE + " WHERE component = ?")) {
            ps.setString(1, component);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** The highest migration of {@code component} this code has. */
    int highest(String component) {
        int v = 0;
        while (script(component, v + 1) != null) {
            v++;
        }
        return v;
    }

    private String script(String component, int version) {
        String name = String.format("/db/%s/%s/%03d.sql", backend, component, version);
        try (InputStream in = Migrations.class.getResourceAsStream(name)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a script: statements end with ';' at the end of a line. */
    static void execute(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String stmt : sql.split(";\\s*(\\r?\\n|$)")) {
                if (!stmt.isBlank()) {
                    st.execute(stmt);
                }
            }
        }
    }
}
