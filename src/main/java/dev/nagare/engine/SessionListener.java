package dev.nagare.engine;

import dev.nagare.wire.EnginePacket;

/**
 * What a session tells the layer above it: a MESSAGE arrived, or the session closed. Called on the
 * engine's event loop. The Socket.IO server is the only implementation in production.
 */
public interface SessionListener {
    void onMessage(EngineSession session, EnginePacket message);

    void onClose(EngineSession session, String reason);
}
