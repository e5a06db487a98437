package dev.nagare.apps.chat;

import dev.nagare.testing.StoreBackend;

class SqliteChatLogTest extends ChatLogContract {
    @Override
    StoreBackend backend() {
        return StoreBackend.SQLITE;
    }
}
