package dev.nagare.auth;

import dev.nagare.testing.StoreBackend;

class PostgresAuthStoreTest extends AuthStoreContract {
    @Override
    StoreBackend backend() {
        return StoreBackend.POSTGRES;
    }
}
