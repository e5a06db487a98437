package dev.nagare.apps.chat;

import dev.nagare.auth.Principal;
import dev.nagare.engine.TokenBucket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.ToIntFunction;

/**
 * Which chat rooms exist, who made each, and the limits on making them: a rate and a count of
 * existing rooms per user, and a cap for the server. A room a user made expires once it has been
 * empty for {@code roomIdle}, so neither a user's quota nor the server's cap can be filled for good.
 *
 * <p>Changes are collected here and sent as one small delta ({@code added}, {@code removed},
 * {@code changed}) per batch; nobody receives the whole list except page by page when asking for it,
 * so making N rooms costs every listener O(N) bytes, not O(N²) (issue 15: 1,500 rooms had sent
 * 44.9 MB to each listener). Event-loop only (the Socket.IO home context).
 */
final class ChatRooms {
    static final int MAX_ROOMS = 10_000;
    static final int PAGE = 200;
    private static final int MAX_RATE_KEYS = 100_000;

    /** A room; {@code creator} 0 for the built-in ones, which never expire. */
    static final class Room {
        final String name;
        final long creator;
        long emptySince; // ms, 0 while someone is in it

        Room(String name, long creator, long emptySince) {
            this.name = name;
            this.creator = creator;
            this.emptySince = emptySince;
        }
    }

    private final ChatConfig config;
    private final NavigableMap<String, Room> rooms = new TreeMap<>();
    private final Set<String> creating = new HashSet<>();
    private final Map<Long, Integer> createdBy = new HashMap<>(); // existing or being created, per user id
    private final Map<Long, TokenBucket> rates = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, TokenBucket> eldest) {
            return size() > MAX_RATE_KEYS;
        }
    };
    // The delta not yet sent:
    private final Set<String> added = new LinkedHashSet<>();
    private final Set<String> removed = new LinkedHashSet<>();
    private final Set<String> changed = new LinkedHashSet<>();

    ChatRooms(ChatConfig config, List<ChatLog.StoredRoom> known, long now) {
        this.config = config;
        for (ChatLog.StoredRoom r : known) {
            rooms.put(r.name(), new Room(r.name(), r.createdBy(), now));
            if (r.createdBy() != 0) {
                createdBy.merge(r.createdBy(), 1, Integer::sum);
            }
        }
    }

    boolean exists(String name) {
        return rooms.containsKey(name);
    }

    Room get(String name) {
        return rooms.get(name);
    }

    int size() {
        return rooms.size();
    }

    /**
     * Holds {@code name} for {@code p} while the store creates it, or refuses: the name is taken, the
     * user has made their quota of rooms, the server is full, or the user makes rooms too fast.
     */
    void reserve(String name, Principal p) {
        if (rooms.containsKey(name) || creating.contains(name)) {
            throw new ChatRefusal("exists", "There is already a room '" + name + "'; join it instead.");
        }
        if (createdBy.getOrDefault(p.userId(), 0) >= config.roomsCreated()) {
            throw new ChatRefusal("room_quota", "You have made " + config.roomsCreated() + " rooms that still exist,"
                    + " the most allowed; delete one, or wait until an empty one expires.");
        }
        if (rooms.size() + creating.size() >= MAX_ROOMS) {
            throw new ChatRefusal("too_many_rooms", "This server holds its maximum of " + MAX_ROOMS
                    + " rooms; empty rooms expire after " + config.roomIdle().toSeconds() + " s.");
        }
        long nowNanos = System.nanoTime();
        double burst = Math.max(1, config.roomRate());
        if (!rates.computeIfAbsent(p.userId(), u -> new TokenBucket(config.roomRate() / 60, burst, nowNanos))
                .tryTake(nowNanos)) {
            throw new ChatRefusal("rate_limited", "Slow down: at most " + fmt(config.roomRate())
                    + " new rooms per minute.");
        }
        creating.add(name);
        createdBy.merge(p.userId(), 1, Integer::sum);
    }

    /** The store made the room {@code reserve} held: it exists now, empty. */
    void created(String name, long creator, long now) {
        creating.remove(name);
        rooms.put(name, new Room(name, creator, now));
        added.add(name); // after a "removed" of the same name in this batch: clients apply removals first
    }

    /** Another node of the cluster made it (the store holds it already); false when known here. */
    boolean createdElsewhere(String name, long creator, long now) {
        if (rooms.containsKey(name) || rooms.size() >= MAX_ROOMS) {
            return false;
        }
        if (creator != 0) {
            createdBy.merge(creator, 1, Integer::sum);
        }
        rooms.put(name, new Room(name, creator, now));
        added.add(name);
        return true;
    }

    /** The store did not make it: the name and the user's place are free again. */
    void abandoned(String name, long creator) {
        creating.remove(name);
        release(creator);
    }

    /** Forgets a room (deleted or expired); null when there is none of that name. */
    Room remove(String name) {
        Room r = rooms.remove(name);
        if (r == null) {
            return null;
        }
        if (r.creator != 0) {
            release(r.creator);
        }
        // Said even when its creation was not sent yet: its members learnt of it from their join.
        added.remove(name);
        changed.remove(name);
        removed.add(name);
        return r;
    }

    private void release(long creator) {
        createdBy.computeIfPresent(creator, (u, n) -> n <= 1 ? null : n - 1);
    }

    /** The room's member count is now {@code count}: starts or stops its idle clock; listed as changed. */
    void occupancy(String name, int count, long now) {
        Room r = rooms.get(name);
        if (r == null) {
            return;
        }
        r.emptySince = count == 0 ? (r.emptySince == 0 ? now : r.emptySince) : 0;
        if (!added.contains(name)) {
            changed.add(name);
        }
    }

    /** User-made rooms that have been empty for {@code roomIdle} or longer. */
    List<String> expired(long now) {
        long idle = config.roomIdle().toMillis();
        List<String> out = new ArrayList<>();
        for (Room r : rooms.values()) {
            if (r.creator != 0 && r.emptySince > 0 && now - r.emptySince >= idle) {
                out.add(r.name);
            }
        }
        return out;
    }

    /** {@code {rooms: [{name, members}], more}}: up to {@code limit} rooms after {@code after} by name. */
    Map<String, Object> page(String after, int limit, ToIntFunction<String> members) {
        NavigableMap<String, Room> tail = after == null ? rooms : rooms.tailMap(after, false);
        List<Map<String, Object>> out = new ArrayList<>(Math.min(limit, tail.size()));
        for (String name : tail.keySet()) {
            if (out.size() == limit) {
                break;
            }
            out.add(Map.of("name", name, "members", members.applyAsInt(name)));
        }
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("rooms", out);
        page.put("more", tail.size() > out.size());
        return page;
    }

    /** The changes since the last call, {@code {added: [{name, members}], removed: [name], changed: [...]}}, or null. */
    Map<String, Object> takeDelta(ToIntFunction<String> members) {
        if (added.isEmpty() && removed.isEmpty() && changed.isEmpty()) {
            return null;
        }
        Map<String, Object> delta = new LinkedHashMap<>();
        delta.put("added", entries(added, members));
        delta.put("removed", List.copyOf(removed));
        delta.put("changed", entries(changed, members));
        added.clear();
        removed.clear();
        changed.clear();
        return delta;
    }

    private List<Map<String, Object>> entries(Set<String> names, ToIntFunction<String> members) {
        List<Map<String, Object>> out = new ArrayList<>(names.size());
        for (String name : names) {
            out.add(Map.of("name", name, "members", members.applyAsInt(name)));
        }
        return out;
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
