package dev.nagare.auth;

import dev.nagare.testing.StoreBackend;

class SqliteAuthStoreTest extends AuthStoreContract {
    @Override
    StoreBackend backend() {
        return StoreBackend.SQLITE;
    }
}
