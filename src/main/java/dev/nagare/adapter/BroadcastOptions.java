package dev.nagare.adapter;

import java.util.Set;

/**
 * Who a broadcast goes to: sockets in any of {@code rooms} (everyone when empty), minus sockets in
 * any of {@code except}. {@code volatile_} packets may be dropped for clients that cannot take them
 * now; {@code local} packets stay on this node.
 */
public record BroadcastOptions(Set<String> rooms, Set<String> except, boolean volatile_, boolean local) {
    public static final BroadcastOptions ALL = new BroadcastOptions(Set.of(), Set.of(), false, false);

    public BroadcastOptions {
        rooms = Set.copyOf(rooms);
        except = Set.copyOf(except);
    }
}
