package dev.nagare.apps.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.auth.Role;
import dev.nagare.server.Setting;
import dev.nagare.testing.SioClient;
import dev.nagare.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The room list: changes reach listeners as small deltas, and empty rooms users made expire. */
class ChatRoomsTest {
    @RegisterExtension
    static final TestServer server = new TestServer(Map.of(Setting.ADMIN_PASSWORD, "river stone lantern",
            Setting.CHAT_ROOM_RATE, "10000", Setting.CHAT_ROOMS_CREATED, "30", Setting.CHAT_ROOM_IDLE, "1"));

    private final List<SioClient> clients = new ArrayList<>();

    @AfterEach
    void closeClients() {
        clients.forEach(SioClient::close);
    }

    private SioClient user(String name) throws Exception {
        SioClient c = SioClient.connect(server, "/chat", name, Role.USER);
        clients.add(c);
        return c;
    }

    private static JsonObject room(String name) {
        return new JsonObject().put("room", name);
    }

    /** Makes {@code n} rooms and leaves each, so that they are empty. */
    private static List<String> makeEmptyRooms(SioClient maker, String prefix, int n) throws Exception {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String name = prefix + "-" + i;
            maker.ok("create", room(name));
            maker.ok("leave", room(name));
            names.add(name);
        }
        return names;
    }

    @Test
    void aListenerReceivesEachNewRoomOnceInASmallDeltaNeverTheWholeList() throws Exception {
        SioClient listener = user("listener");
        listener.next("hello");
        SioClient maker = user("maker");
        List<String> names = makeEmptyRooms(maker, "delta", 30);
        Set<String> announced = new HashSet<>();
        while (!announced.containsAll(names)) {
            JsonObject delta = listener.next("rooms");
            assertThat(delta.fieldNames()).containsExactlyInAnyOrder("added", "removed", "changed");
            int entries = delta.getJsonArray("added").size() + delta.getJsonArray("removed").size()
                    + delta.getJsonArray("changed").size();
            // O(1) bytes per change: about 40 bytes an entry, whatever the number of rooms.
            assertThat(delta.encode().length()).as("%s", delta).isLessThanOrEqualTo(60 + 50 * entries);
            for (Object added : delta.getJsonArray("added")) {
                assertThat(announced.add(((JsonObject) added).getString("name"))).as("announced once").isTrue();
            }
        }
        // Asking for the list gives it a page at a time, by name.
        JsonObject first = listener.ok("rooms", new JsonObject().put("limit", 10));
        assertThat(first.getJsonArray("rooms")).hasSize(10);
        assertThat(first.getBoolean("more")).isTrue();
        String last = first.getJsonArray("rooms").getJsonObject(9).getString("name");
        JsonArray next = listener.ok("rooms", new JsonObject().put("after", last).put("limit", 10)).getJsonArray("rooms");
        assertThat(next.getJsonObject(0).getString("name")).isGreaterThan(last);
    }

    @Test
    void anEmptyRoomExpiresWithItsHistoryAndGivesItsCreatorsPlaceBackButAnOccupiedOneStays() throws Exception {
        SioClient watcher = user("watcher");
        SioClient creator = user("creator");
        creator.ok("create", room("kept"));
        creator.ok("create", room("brief"));
        creator.ok("send", new JsonObject().put("room", "brief").put("text", "soon gone").put("clientId", "brief-msg-1"));
        creator.ok("leave", room("brief"));
        List<String> filler = makeEmptyRooms(creator, "fill", 28);
        assertThat(creator.request("create", room("one-more")).getString("error")).isEqualTo("room_quota");

        Set<String> gone = new HashSet<>();
        while (!gone.contains("brief") || !gone.containsAll(filler)) {
            watcher.next("rooms").getJsonArray("removed").forEach(n -> gone.add((String) n));
        }
        // "kept" was made before "brief" and has had a member all along: it is still there.
        assertThat(gone).doesNotContain("kept");
        assertThat(creator.ok("rooms", new JsonObject()).getJsonArray("rooms").encode()).contains("\"kept\"");
        // The quota is free again, and a new room of the same name starts with no history.
        JsonObject again = creator.ok("create", room("brief"));
        assertThat(again.getJsonArray("messages")).isEmpty();
        creator.ok("create", room("one-more"));
    }
}
