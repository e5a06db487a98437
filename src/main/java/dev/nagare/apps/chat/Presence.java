package dev.nagare.apps.chat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who is in which room, by user name: a user with three tabs in a room is one member. Counts the
 * sockets behind each membership so that a user "leaves" only when their last socket does.
 * Event-loop only.
 */
final class Presence {
    private final Map<String, Map<String, Integer>> byRoom = new HashMap<>();
    private final Map<String, Set<String>> byUser = new HashMap<>();

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
