package dev.nagare.adapter;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What connection state recovery keeps of a socket that dropped: its ids, rooms and data, and,
 * once restored, the packets it missed (EVENT data arrays, each ending with its offset).
 */
public record SessionState(
        String sid,
        String pid,
        Set<String> rooms,
        Map<String, Object> data,
        long disconnectedAt,
        List<List<Object>> missedPackets) {

    public SessionState {
        rooms = Set.copyOf(rooms);
        data = Map.copyOf(data);
        missedPackets = List.copyOf(missedPackets);
    }
}
