package dev.nagare.apps.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.auth.Role;
import dev.nagare.server.Setting;
import dev.nagare.testing.TestServer;
import dev.nagare.testing.SioClient;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Each chat limit refuses with its own code and a sentence, and leaves the client connected. */
class ChatLimitsTest {
    @RegisterExtension
    static final TestServer server = new TestServer(Map.of(Setting.ADMIN_PASSWORD, "river stone lantern",
            Setting.CHAT_RATE, "2", Setting.CHAT_MAX_ROOMS, "2", Setting.CHAT_ROOM_MEMBERS, "2",
            Setting.CHAT_MAX_LENGTH, "10", Setting.CHAT_ROOM_RATE, "3", Setting.CHAT_ROOMS_CREATED, "2"));

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

    private static JsonObject send(String text, String clientId) {
        return new JsonObject().put("room", "general").put("text", text).put("clientId", clientId);
    }

    @Test
    void aUserPostingFasterThanTheRateIsToldToSlowDown() throws Exception {
        SioClient alice = user("rapid");
        // Bursts of twice the rate (4) pass; the next is refused.
        for (int i = 0; i < 4; i++) {
            alice.ok("send", send("m" + i, "rate-msg-" + i));
        }
        JsonObject refused = alice.request("send", send("m4", "rate-msg-4"));
        assertThat(refused.getString("error")).isEqualTo("rate_limited");
        assertThat(refused.getString("message")).isEqualTo("Slow down: at most 2 messages per second (bursts of 4).");
    }

    @Test
    void theConfiguredMaximumLengthIsEnforcedInCharactersNotBytes() throws Exception {
        SioClient alice = user("writer");
        alice.ok("send", send("流れ流れ流れ流れ流れ", "length-ok-1")); // 10 characters, 30 bytes
        assertThat(alice.request("send", send("12345678901", "length-bad-1")).getString("error")).isEqualTo("too_long");
    }

    @Test
    void aUserMayBeInOnlySoManyRooms() throws Exception {
        SioClient alice = user("roamer");
        alice.ok("create", new JsonObject().put("room", "second")); // general + second = 2
        JsonObject refused = alice.request("create", new JsonObject().put("room", "third"));
        // The room is made, but joining it would exceed the limit.
        assertThat(refused.getString("error")).isEqualTo("too_many_rooms");
        alice.ok("leave", new JsonObject().put("room", "second"));
        alice.ok("join", new JsonObject().put("room", "third"));
    }

    @Test
    void aFullRoomRefusesNewMembersButNotAnotherTabOfAMember() throws Exception {
        SioClient a = user("member-a");
        a.ok("create", new JsonObject().put("room", "tiny"));
        SioClient b = user("member-b");
        b.ok("join", new JsonObject().put("room", "tiny"));
        SioClient c = user("member-c");
        JsonObject refused = c.request("join", new JsonObject().put("room", "tiny"));
        assertThat(refused.getString("error")).isEqualTo("room_full");
        assertThat(refused.getString("message")).isEqualTo("Room 'tiny' is full (2 members).");
        SioClient secondTab = user("member-a");
        secondTab.ok("join", new JsonObject().put("room", "tiny"));
    }

    private static JsonObject room(String name) {
        return new JsonObject().put("room", name);
    }

    @Test
    void aUserMayHaveMadeOnlySoManyRoomsThatStillExistAndDeletingOneFreesAPlace() throws Exception {
        SioClient builder = user("builder");
        builder.ok("create", room("b-one"));
        builder.ok("leave", room("b-one"));
        builder.ok("create", room("b-two"));
        builder.ok("leave", room("b-two"));
        JsonObject refused = builder.request("create", room("b-three"));
        assertThat(refused.getString("error")).isEqualTo("room_quota");
        assertThat(refused.getString("message")).isEqualTo("You have made 2 rooms that still exist, the most allowed;"
                + " delete one, or wait until an empty one expires.");
        builder.ok("deleteRoom", room("b-one"));
        builder.ok("create", room("b-three"));
        assertThat(builder.request("join", room("b-one")).getString("error")).isEqualTo("not_found");
    }

    @Test
    void aUserMakingRoomsFasterThanTheRateIsToldToSlowDownEvenAfterDeletingThem() throws Exception {
        SioClient hasty = user("hasty");
        for (int i = 1; i <= 3; i++) { // a burst of the per-minute rate
            hasty.ok("create", room("h-" + i));
            hasty.ok("deleteRoom", room("h-" + i));
        }
        JsonObject refused = hasty.request("create", room("h-4"));
        assertThat(refused.getString("error")).isEqualTo("rate_limited");
        assertThat(refused.getString("message")).isEqualTo("Slow down: at most 3 new rooms per minute.");
        hasty.ok("send", send("still ok", "hasty-msg-1"));
    }

    @Test
    void onlyTheCreatorOrAModeratorDeletesARoomAndGeneralStays() throws Exception {
        SioClient owner = user("owner");
        SioClient other = user("other");
        SioClient admin = SioClient.connect(server, "/chat", "admin", Role.ADMIN);
        clients.add(admin);
        JsonObject made = owner.ok("create", room("owned"));
        assertThat(made.getBoolean("canDelete")).isTrue();
        other.ok("join", room("owned"));
        JsonObject refused = other.request("deleteRoom", room("owned"));
        assertThat(refused.getString("error")).isEqualTo("forbidden");
        assertThat(refused.getString("message")).isEqualTo("Only the room's creator or a moderator can delete 'owned'.");
        assertThat(admin.request("deleteRoom", room("general")).getString("error")).isEqualTo("forbidden");
        admin.ok("deleteRoom", room("owned"));
        // The members are out of it at once: everyone is told, and nothing more can be said there.
        other.next("rooms", r -> r.getJsonArray("removed").contains("owned"));
        assertThat(other.request("send", new JsonObject().put("room", "owned").put("text", "hi").put("clientId", "gone-msg-1"))
                .getString("error")).isEqualTo("not_member");
    }
}
