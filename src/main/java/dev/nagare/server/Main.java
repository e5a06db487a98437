package dev.nagare.server;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** {@code java -jar target/nagare.jar [serve] [options]}: see {@link Cli}. */
public final class Main {
    static final String NETTY_JFR = "io.netty.jfr.enabled";

    private Main() {
    }

    public static void main(String[] args) {
        // Vert.x and Netty log through SLF4J (Logback) rather than java.util.logging.
        System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
        // Netty 4.2's buffer allocators declare Flight Recorder events, and on Java 17 loading an event class
        // starts JFR's metadata and bytecode machinery (some 300 classes, an ASM pass per event) when the
        // first request is read, recording or not. Off unless asked for: -Dio.netty.jfr.enabled=true puts
        // Netty's allocation events back in a recording.
        if (System.getProperty(NETTY_JFR) == null) {
            System.setProperty(NETTY_JFR, "false");
        }
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        int code = new Cli(Map.copyOf(System.getenv()), out, err).owningLogging().run(args);
        out.flush();
        err.flush();
        System.exit(code);
    }
}
