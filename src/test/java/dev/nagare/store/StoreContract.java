package dev.nagare.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nagare.testing.StoreBackend;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What every store backend does: migrations, transactions, refusals. Subclassed once per backend. */
abstract class StoreContract {
    @TempDir
    Path dir;
    Vertx vertx;
    StoreConfig config;

    abstract StoreBackend backend();

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
        config = backend().newStore(dir.resolve("data"));
    }

    @AfterEach
    void tearDown() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    Store open() throws Exception {
        return StoreBackend.open(vertx, config);
    }

    static <T> T await(Future<T> f) throws Exception {
        return f.await(10, TimeUnit.SECONDS);
    }

    @Test
    void openingAppliesEveryComponentsMigrationsAndMakesAnInstanceId() throws Exception {
        Store store = open();
        assertThat(store.schema()).containsKeys("instance", "auth", "chat", "feed");
        assertThat(store.schema().get("auth")).isGreaterThanOrEqualTo(1);
        assertThat(text(store, "SELECT id FROM instance")).matches("[0-9a-f]{32}");
        assertThat(text(store, "SELECT name FROM chat_rooms")).isEqualTo("general");
        await(store.close());
    }

    @Test
    void dataSurvivesAReopenAndMigrationsAreNotReapplied() throws Exception {
        Store first = open();
        String id = text(first, "SELECT id FROM instance");
        await(first.close());

        Store second = open();
        assertThat(text(second, "SELECT id FROM instance")).isEqualTo(id);
        assertThat(text(second, "SELECT COUNT(*) FROM schema_migrations WHERE component = 'auth' AND version = 1")).isEqualTo("1");
        await(second.close());
    }

    @Test
    void onlyTheComponentsAskedForGetTables() throws Exception {
        Store store = Store.open(vertx, config, List.of("instance", "auth")).await(60, TimeUnit.SECONDS);
        assertThat(store.schema()).containsOnlyKeys("instance", "auth");
        assertThatThrownBy(() -> text(store, "SELECT COUNT(*) FROM chat_rooms"))
                .isInstanceOf(SQLException.class);
        await(store.close());
    }

    @Test
    void aStoreWithANewerSchemaThanTheCodeIsRefusedAtOpen() throws Exception {
        Store store = open();
        await(store.transact(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO schema_migrations(component, version, applied_at) VALUES ('chat', 99, 0)")) {
                return ps.executeUpdate();
            }
        }));
        await(store.close());
        assertThatThrownBy(this::open).hasMessageContaining("schema for 'chat' is at version 99, newer than this Nagare knows");
    }

    @Test
    void aFailedTransactionRollsBackEverything() throws Exception {
        Store store = open();
        await(store.transact(c -> c.createStatement().execute("CREATE TABLE t (v INTEGER)")));
        assertThatThrownBy(() -> await(store.transact(c -> {
            c.createStatement().execute("INSERT INTO t VALUES (1)");
            throw new SQLException("boom");
        }))).hasMessageContaining("boom");
        assertThat(text(store, "SELECT COUNT(*) FROM t")).isEqualTo("0");
        await(store.close());
    }

    @Test
    void aUniqueViolationIsRecognisedWhateverTheBackend() throws Exception {
        Store store = open();
        SQLException e = (SQLException) org.assertj.core.api.Assertions.catchThrowable(() -> await(store.transact(c -> {
            c.createStatement().execute("INSERT INTO chat_rooms(name, created_by, created_at) VALUES ('general', NULL, 1)");
            return null;
        })));
        assertThat(Store.uniqueViolation(e)).as(e.toString()).isTrue();
        await(store.close());
    }

    @Test
    void twoServersOpeningOneStoreAtOnceApplyEachMigrationOnce() throws Exception {
        Future<Store> a = Store.open(vertx, config, Store.COMPONENTS);
        Future<Store> b = Store.open(vertx, config, Store.COMPONENTS);
        Store first = a.await(60, TimeUnit.SECONDS);
        Store second = b.await(60, TimeUnit.SECONDS);
        assertThat(first.schema()).isEqualTo(second.schema());
        assertThat(text(first, "SELECT COUNT(*) FROM instance")).isEqualTo("1");
        await(first.close());
        await(second.close());
    }

    @Test
    void theStoreRefusesWorkAfterClose() throws Exception {
        Store store = open();
        await(store.ping());
        await(store.close());
        assertThatThrownBy(() -> await(store.ping())).hasMessageContaining("store is closed");
    }

    static String text(Store store, String sql) throws Exception {
        return store.transact(c -> string(c, sql)).await(10, TimeUnit.SECONDS);
    }

    static String string(java.sql.Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
