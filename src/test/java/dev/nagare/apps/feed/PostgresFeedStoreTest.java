package dev.nagare.apps.feed;

import dev.nagare.testing.StoreBackend;

class PostgresFeedStoreTest extends FeedStoreContract {
    @Override
    StoreBackend backend() {
        return StoreBackend.POSTGRES;
    }
}
