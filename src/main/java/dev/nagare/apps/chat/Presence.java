package dev.nagare.apps.chat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who is in which room, by user name: a user with three tabs in a room is one member. Counts the
 * sockets behind each membership so that a user "leaves" only when their last socket does. In a
 * cluster, each other node where a user is in a room counts as one more (see {@link ChatCluster}),
 * so the user leaves when no node holds a socket of theirs there. Event-loop only.
 */
final class Presence {
    private final Map<String, Map<String, Integer>> byRoom = new HashMap<>();
    private final Map<String, Set<String>> byUser = new HashMap<>();
    private final Map<String, Set<List<String>>> byNode = new HashMap<>(); // other node -> [room, user]

    /** Another node now has (or no longer has) {@code user} in {@code room}; true when that changed who is here. */
    boolean remote(String node, String room, String user, boolean present) {
        Set<List<String>> held = byNode.computeIfAbsent(node, n -> new java.util.HashSet<>());
        List<String> key = List.of(room, user);
        if (present) {
            return held.add(key) && add(room, user);
        }
        boolean changed = held.remove(key) && remove(room, user);
        if (held.isEmpty()) {
            byNode.remove(node);
        }
        return changed;
    }

    /** Forgets what another node held (it stopped answering); the [room, user] pairs that left. */
    List<List<String>> dropNode(String node) {
        Set<List<String>> held = byNode.remove(node);
        List<List<String>> left = new ArrayList<>();
        if (held != null) {
            for (List<String> key : held) {
                if (remove(key.get(0), key.get(1))) {
                    left.add(key);
                }
            }
        }
        return left;
    }

    /** Every [room, user] membership held. */
    List<List<String>> pairs() {
        List<List<String>> out = new ArrayList<>();
        byRoom.forEach((room, users) -> users.keySet().forEach(user -> out.add(List.of(room, user))));
        return out;
    }

    Set<String> nodes() {
        return Set.copyOf(byNode.keySet());
    }

    /** Adds one socket of {@code user} to {@code room}; true when the user was not there before. */
    boolean add(String room, String user) {
        Map<String, Integer> members = byRoom.computeIfAbsent(room, r -> new HashMap<>());
        Integer before = members.merge(user, 1, Integer::sum);
        byUser.computeIfAbsent(user, u -> new LinkedHashSet<>()).add(room);
        return before == 1;
    }

    /** Removes one socket of {@code user} from {@code room}; true when it was the user's last one there. */
    boolean remove(String room, String user) {
        Map<String, Integer> members = byRoom.get(room);
        if (members == null || !members.containsKey(user)) {
            return false;
        }
        int left = members.merge(user, -1, Integer::sum);
        if (left > 0) {
            return false;
        }
        members.remove(user);
        if (members.isEmpty()) {
            byRoom.remove(room);
        }
        Set<String> rooms = byUser.get(user);
        rooms.remove(room);
        if (rooms.isEmpty()) {
            byUser.remove(user);
        }
        return true;
    }

    /** Forgets a room and everyone in it (the room was deleted). */
    void drop(String room) {
        for (Set<List<String>> held : byNode.values()) {
            held.removeIf(key -> key.get(0).equals(room));
        }
        Map<String, Integer> members = byRoom.remove(room);
        if (members == null) {
            return;
        }
        for (String user : members.keySet()) {
            Set<String> rooms = byUser.get(user);
            rooms.remove(room);
            if (rooms.isEmpty()) {
                byUser.remove(user);
            }
        }
    }

    boolean has(String room, String user) {
        Map<String, Integer> members = byRoom.get(room);
        return members != null && members.containsKey(user);
    }

    int count(String room) {
        Map<String, Integer> members = byRoom.get(room);
        return members == null ? 0 : members.size();
    }

    int roomsOf(String user) {
        Set<String> rooms = byUser.get(user);
        return rooms == null ? 0 : rooms.size();
    }

    /** The room's members, sorted; at most {@code max} of them. */
    List<String> members(String room, int max) {
        Map<String, Integer> members = byRoom.get(room);
        if (members == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>(members.keySet());
        out.sort(String.CASE_INSENSITIVE_ORDER);
        return out.size() > max ? out.subList(0, max) : out;
    }
}
