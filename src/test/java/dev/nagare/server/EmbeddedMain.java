package dev.nagare.server;

import java.util.Map;

/** An application embedding Nagare as the README shows, for {@link ServerProcessIT}: args[0] is the data dir. */
public final class EmbeddedMain {
    private EmbeddedMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Nagare.create(ConfigResolver.resolve(Map.of(Setting.PORT, "0", Setting.DATA_DIR, args[0]), Map.of())).start();
        Thread.currentThread().join();
    }
}
