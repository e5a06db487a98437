package dev.nagare.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteStoreTest {
    @TempDir
    Path dir;
    Vertx vertx;

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void tearDown() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private Store open() throws Exception {
        return SqliteStore.open(vertx, dir.resolve("data")).await(10, TimeUnit.SECONDS);
    }

    @Test
    void openingCreatesTheDataDirAndAppliesEveryMigration() throws Exception {
        Store store = open();
        assertThat(Files.exists(dir.resolve("data").resolve("nagare.db"))).isTrue();
        assertThat(store.schemaVersion()).isGreaterThanOrEqualTo(1);
        String instance = store.transact(c -> queryString(c.createStatement(), "SELECT id FROM instance"))
                .await(5, TimeUnit.SECONDS);
        assertThat(instance).matches("[0-9a-f]{32}");
        store.close().await(5, TimeUnit.SECONDS);
    }

    @Test
    void dataSurvivesAReopenAndMigrationsAreNotReapplied() throws Exception {
        Store first = open();
        String id = first.transact(c -> queryString(c.createStatement(), "SELECT id FROM instance"))
                .await(5, TimeUnit.SECONDS);
        first.close().await(5, TimeUnit.SECONDS);

        Store second = open();
        assertThat(second.transact(c -> queryString(c.createStatement(), "SELECT id FROM instance"))
                .await(5, TimeUnit.SECONDS)).isEqualTo(id);
        assertThat(second.transact(c -> queryString(c.createStatement(),
                "SELECT COUNT(*) FROM schema_version WHERE version = 1")).await(5, TimeUnit.SECONDS)).isEqualTo("1");
        second.close().await(5, TimeUnit.SECONDS);
    }

    @Test
    void aFailedTransactionRollsBackEverything() throws Exception {
        Store store = open();
        store.transact(c -> c.createStatement().execute("CREATE TABLE t (v INTEGER)")).await(5, TimeUnit.SECONDS);
        assertThatThrownBy(() -> store.transact(c -> {
            c.createStatement().execute("INSERT INTO t VALUES (1)");
            throw new SQLException("boom");
        }).await(5, TimeUnit.SECONDS)).hasMessageContaining("boom");
        assertThat(store.transact(c -> queryString(c.createStatement(), "SELECT COUNT(*) FROM t"))
                .await(5, TimeUnit.SECONDS)).isEqualTo("0");
        store.close().await(5, TimeUnit.SECONDS);
    }

    @Test
    void theStoreRefusesWorkAfterClose() throws Exception {
        Store store = open();
        store.ping().await(5, TimeUnit.SECONDS);
        store.close().await(5, TimeUnit.SECONDS);
        assertThatThrownBy(() -> store.ping().await(5, TimeUnit.SECONDS)).hasMessageContaining("store is closed");
        // The WAL was checkpointed into the main file on close.
        assertThat(Files.exists(dir.resolve("data").resolve("nagare.db-wal"))
                && Files.size(dir.resolve("data").resolve("nagare.db-wal")) > 0).isFalse();
    }

    private static String queryString(Statement st, String sql) throws SQLException {
        try (st; ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
