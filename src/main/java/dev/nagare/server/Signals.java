package dev.nagare.server;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT handling. A JVM shutdown hook would run on these signals too, but the process
 * would then exit with 143/130; catching the signal lets Nagare drain and exit 0 as service managers
 * expect after a requested stop.
 */
final class Signals {
    private static final Logger LOG = LoggerFactory.getLogger(Signals.class);

    private Signals() {
    }

    /** Calls {@code onSignal} once, on its own thread, with the name of the first SIGTERM or SIGINT. */
    static void onTermination(Consumer<String> onSignal) {
        AtomicBoolean fired = new AtomicBoolean();
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), sig -> {
                    if (fired.compareAndSet(false, true)) {
                        Thread t = new Thread(() -> onSignal.accept(sig.getName()), "nagare-shutdown");
                        t.start();
                    }
                });
            } catch (IllegalArgumentException e) {
                LOG.warn("Cannot handle SIG{} on this platform: {}", name, e.getMessage());
            }
        }
    }
}
