package dev.nagare.apps.chat;

import dev.nagare.testing.StoreBackend;

class PostgresChatLogTest extends ChatLogContract {
    @Override
    StoreBackend backend() {
        return StoreBackend.POSTGRES;
    }
}
