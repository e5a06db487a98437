package dev.nagare.testing;

import dev.nagare.store.Store;
import dev.nagare.store.StoreConfig;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The store backends a contract test runs against: each contract is subclassed once per constant. */
public enum StoreBackend {
    SQLITE {
        @Override
        public StoreConfig newStore(Path dir) {
            return StoreConfig.sqlite(dir);
        }
    },
    POSTGRES {
        @Override
        public StoreConfig newStore(Path dir) {
            return PostgresServer.shared().newDatabase(dir);
        }
    };

    /** The configuration of a new, empty store ({@code dir}: where SQLite puts its file). */
    public abstract StoreConfig newStore(Path dir);

    /** Opens {@code config} with every component migrated. */
    public static Store open(Vertx vertx, StoreConfig config) throws Exception {
        return Store.open(vertx, config, Store.COMPONENTS).await(60, TimeUnit.SECONDS);
    }
}
