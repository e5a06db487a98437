package dev.nagare.apps.feed;

import dev.nagare.testing.StoreBackend;

class SqliteFeedStoreTest extends FeedStoreContract {
    @Override
    StoreBackend backend() {
        return StoreBackend.SQLITE;
    }
}
