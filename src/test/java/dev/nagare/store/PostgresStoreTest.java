package dev.nagare.store;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nagare.testing.StoreBackend;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PostgresStoreTest extends StoreContract {
    @Override
    StoreBackend backend() {
        return StoreBackend.POSTGRES;
    }

    @Test
    void aWrongPasswordFailsAtOpenWithTheReasonAndWithoutThePassword() {
        StoreConfig wrong = new StoreConfig(StoreConfig.Kind.POSTGRES, config.dataDir(), config.jdbcUrl(), config.user(),
                "not-the-password", 2);
        assertThatThrownBy(() -> Store.open(vertx, wrong, Store.COMPONENTS).await(30, TimeUnit.SECONDS))
                .hasMessageContaining("cannot connect to " + config.describe())
                .hasMessageContaining("password authentication failed")
                .satisfies(e -> org.assertj.core.api.Assertions.assertThat(e.getMessage()).doesNotContain("not-the-password"));
    }
}
