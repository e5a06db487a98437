package dev.nagare.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.testing.StoreBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqliteStoreTest extends StoreContract {
    @Override
    StoreBackend backend() {
        return StoreBackend.SQLITE;
    }

    @Test
    void closingCheckpointsTheWriteAheadLogIntoTheFile() throws Exception {
        Store store = open();
        await(store.close());
        Path wal = dir.resolve("data").resolve("nagare.db-wal");
        assertThat(Files.exists(wal) && Files.size(wal) > 0).isFalse();
    }

    @Test
    void aFileFromBeforeComponentsIsConvertedWithItsDataKept() throws Exception {
        // The layout of releases before per-component migrations: one schema_version list, 1..5.
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("nagare.db"));
                Statement st = c.createStatement()) {
            for (String script : List.of("instance/001", "auth/001", "auth/002", "chat/001", "feed/001")) {
                Migrations.execute(c, new String(getClass().getResourceAsStream("/db/sqlite/" + script + ".sql")
                        .readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            }
            st.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)");
            for (int v = 1; v <= 5; v++) {
                st.execute("INSERT INTO schema_version VALUES (" + v + ", 0)");
            }
            st.execute("INSERT INTO users(username, password_hash, role, created_at) VALUES ('old', 'h', 'user', 1)");
        }
        Store store = open();
        assertThat(store.schema()).containsEntry("auth", 5).containsEntry("chat", 1).containsEntry("feed", 2); // the latest of each
        assertThat(text(store, "SELECT username FROM users")).isEqualTo("old");
        assertThat(text(store, "SELECT epoch FROM auth_changes")).isEqualTo("0");
        await(store.close());
    }
}
