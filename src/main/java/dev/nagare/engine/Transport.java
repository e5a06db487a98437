package dev.nagare.engine;

import dev.nagare.wire.EnginePacket;
import java.util.List;

/** One way of carrying a session's packets. On the engine's loop only, like the session that owns it. */
interface Transport {
    String name();

    /** True when {@link #send} would go out now rather than wait (a poll is pending, or the socket can take more). */
    boolean writable();

    /** Writes packets; only called when {@link #writable()}. */
    void send(List<EnginePacket> packets);

    /** Closes the transport; {@code packet} (CLOSE or NOOP), when not null, goes to a pending poll first. */
    void close(EnginePacket packet);

    /** As {@link #close(EnginePacket)}; a WebSocket also sends {@code code} and {@code reason} in its close frame. */
    default void close(EnginePacket packet, int code, String reason) {
        close(packet);
    }
}
