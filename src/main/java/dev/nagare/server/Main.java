package dev.nagare.server;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** {@code java -jar target/nagare.jar [serve] [options]}: see {@link Cli}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        // Vert.x and Netty log through SLF4J (Logback) rather than java.util.logging.
        System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        int code = new Cli(Map.copyOf(System.getenv()), out, err).owningLogging().run(args);
        out.flush();
        err.flush();
        System.exit(code);
    }
}
