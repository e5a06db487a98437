package dev.nagare.apps.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nagare.auth.Role;
import dev.nagare.server.Setting;
import dev.nagare.testing.TestServer;
import dev.nagare.testing.SioClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The /chat namespace spoken by the official Java socket.io client, event by event. */
class ChatProtocolTest {
    @RegisterExtension
    static final TestServer server = new TestServer(Map.of(Setting.ADMIN_PASSWORD, "river stone lantern",
            Setting.CHAT_RATE, "1000"));

    private final List<SioClient> clients = new ArrayList<>();

    @AfterEach
    void closeClients() {
        clients.forEach(SioClient::close);
    }

    private SioClient user(String name) throws Exception {
        return user(name, Role.USER);
    }

    private SioClient user(String name, Role role) throws Exception {
        SioClient c = SioClient.connect(server, "/chat", name, role);
        clients.add(c);
        return c;
    }

    private static JsonObject send(String room, String text, String clientId) {
        return new JsonObject().put("room", room).put("text", text).put("clientId", clientId);
    }

    @Test
    void aClientWithoutLoginIsRefusedWithConnectError() {
        assertThatThrownBy(() -> SioClient.connect(server, "/chat", Map.of()))
                .hasMessageContaining("refused").hasMessageContaining("unauthorized");
    }

    @Test
    void everyoneStartsInGeneralAndAMessageReachesTheRoomWithTheStoredIdInTheAck() throws Exception {
        SioClient alice = user("alice");
        SioClient bob = user("bob");
        assertThat(alice.next("hello").getString("user")).isEqualTo("alice");
        JsonObject joined = bob.ok("join", new JsonObject().put("room", "general"));
        assertThat(joined.getJsonArray("members").getList()).contains("alice", "bob");

        JsonObject ack = alice.ok("send", send("general", "  hello <b>bob</b>\r\n ", "c-hello-0001"));
        JsonObject stored = ack.getJsonObject("message");
        assertThat(stored.getLong("id")).isPositive();
        assertThat(stored.getString("text")).isEqualTo("hello <b>bob</b>"); // cleaned, but kept as typed text
        assertThat(ack.getBoolean("duplicate")).isFalse();

        JsonObject got = bob.next("message", m -> m.getString("clientId").equals("c-hello-0001"));
        assertThat(got.getLong("id")).isEqualTo(stored.getLong("id"));
        assertThat(got.getString("user")).isEqualTo("alice");
        assertThat(server.nagare().chat().log().find(stored.getLong("id")).await().orElseThrow().text())
                .isEqualTo("hello <b>bob</b>");
    }

    @Test
    void aRetryWithTheSameClientIdIsAckedWithTheFirstCopyAndNotBroadcastAgain() throws Exception {
        SioClient alice = user("alice");
        SioClient bob = user("bob");
        long first = alice.ok("send", send("general", "once", "retry-abc-1")).getJsonObject("message").getLong("id");
        JsonObject again = alice.ok("send", send("general", "once", "retry-abc-1"));
        assertThat(again.getBoolean("duplicate")).isTrue();
        assertThat(again.getJsonObject("message").getLong("id")).isEqualTo(first);
        alice.ok("send", send("general", "after", "retry-abc-2"));
        // Bob sees "once" exactly once, then "after".
        assertThat(bob.next("message", m -> m.getString("clientId").startsWith("retry-abc")).getString("text")).isEqualTo("once");
        assertThat(bob.next("message", m -> m.getString("clientId").startsWith("retry-abc")).getString("text")).isEqualTo("after");
    }

    @Test
    void roomsAreCreatedJoinedListedWithCountsAndLeft() throws Exception {
        SioClient alice = user("alice");
        SioClient bob = user("bob");
        JsonObject created = alice.ok("create", new JsonObject().put("room", "tea-room"));
        assertThat(created.getString("room")).isEqualTo("tea-room");
        assertThat(alice.request("create", new JsonObject().put("room", "tea-room")).getString("error")).isEqualTo("exists");
        bob.next("rooms", r -> r.toString().contains("tea-room"));
        bob.ok("join", new JsonObject().put("room", "tea-room"));
        // Changes are batched: bob's arrival may come in the same event as alice's own.
        alice.next("presence", p -> p.getString("room").equals("tea-room") && p.getJsonArray("joined").contains("bob"));
        JsonArray rooms = alice.ok("rooms", new JsonObject()).getJsonArray("rooms");
        assertThat(rooms.getList()).contains(Map.of("name", "tea-room", "members", 2));

        bob.ok("leave", new JsonObject().put("room", "tea-room"));
        JsonObject left = alice.next("presence", p -> p.getString("room").equals("tea-room") && !p.getJsonArray("left").isEmpty());
        assertThat(left.getJsonArray("left").getList()).containsExactly("bob");
        assertThat(left.getInteger("count")).isEqualTo(1);
        assertThat(bob.request("send", send("tea-room", "hi", "left-room-1")).getString("error")).isEqualTo("not_member");
    }

    @Test
    void badInputGetsAClearErrorAndTheConnectionStaysUsable() throws Exception {
        SioClient alice = user("alice");
        assertThat(alice.request("join", new JsonObject().put("room", "../etc")).getString("error")).isEqualTo("invalid_room");
        assertThat(alice.request("join", new JsonObject().put("room", "UPPER")).getString("error")).isEqualTo("invalid_room");
        assertThat(alice.request("join", new JsonObject().put("room", "nowhere")).getString("error")).isEqualTo("not_found");
        assertThat(alice.request("send", send("general", " \u0000\u0007 ", "blank-msg-1")).getString("error"))
                .isEqualTo("invalid_text");
        assertThat(alice.request("send", send("general", "x".repeat(2001), "long-msg-1")).getString("message"))
                .isEqualTo("Messages are at most 2000 characters; this one has 2001.");
        assertThat(alice.request("send", new JsonObject().put("room", "general").put("text", 42)).getString("error"))
                .isEqualTo("invalid_text");
        assertThat(alice.request("send", send("general", "ok", "bad id!")).getString("error")).isEqualTo("invalid");
        assertThat(alice.request("history", new JsonObject().put("room", "general").put("before", -1)).getString("error"))
                .isEqualTo("invalid");
        // Not an object at all: answered on nagare:error because no ack was asked for.
        alice.emit("send", "just a string");
        assertThat(alice.next("nagare:error").getString("event")).isEqualTo("send");
        alice.ok("send", send("general", "still here", "still-here-1"));
    }

    @Test
    void historyPagesBackwardsAndForwardsById() throws Exception {
        SioClient alice = user("alice");
        alice.ok("create", new JsonObject().put("room", "paging"));
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            ids.add(alice.ok("send", send("paging", "m" + i, "paging-msg-" + i)).getJsonObject("message").getLong("id"));
        }
        JsonObject latest = alice.ok("history", new JsonObject().put("room", "paging").put("limit", 3));
        assertThat(texts(latest)).containsExactly("m4", "m5", "m6");
        assertThat(latest.getBoolean("more")).isTrue();
        JsonObject older = alice.ok("history", new JsonObject().put("room", "paging").put("before", ids.get(4)).put("limit", 3));
        assertThat(texts(older)).containsExactly("m1", "m2", "m3");
        JsonObject oldest = alice.ok("history", new JsonObject().put("room", "paging").put("before", ids.get(1)).put("limit", 3));
        assertThat(texts(oldest)).containsExactly("m0");
        assertThat(oldest.getBoolean("more")).isFalse();
        JsonObject after = alice.ok("history", new JsonObject().put("room", "paging").put("after", ids.get(4)));
        assertThat(texts(after)).containsExactly("m5", "m6");
        // Joining again with "after" is the catch-up a reconnecting client does.
        JsonObject rejoin = alice.ok("join", new JsonObject().put("room", "paging").put("after", ids.get(5)));
        assertThat(texts(rejoin)).containsExactly("m6");
    }

    @Test
    void authorsEditAndDeleteTheirOwnMessagesAndOnlyAdminsDeleteOthers() throws Exception {
        SioClient alice = user("alice");
        SioClient bob = user("bob");
        SioClient admin = user("admin", Role.ADMIN);
        long id = alice.ok("send", send("general", "tpyo", "edit-me-0001")).getJsonObject("message").getLong("id");
        assertThat(bob.request("edit", new JsonObject().put("id", id).put("text", "hacked")).getString("error"))
                .isEqualTo("forbidden");
        assertThat(bob.request("delete", new JsonObject().put("id", id)).getString("error")).isEqualTo("forbidden");
        alice.ok("edit", new JsonObject().put("id", id).put("text", "typo"));
        JsonObject edited = bob.next("edited", m -> m.getLong("id") == id);
        assertThat(edited.getString("text")).isEqualTo("typo");
        assertThat(edited.containsKey("editedAt")).isTrue();

        admin.ok("delete", new JsonObject().put("id", id));
        JsonObject deleted = bob.next("deleted", m -> m.getLong("id") == id);
        assertThat(deleted.getBoolean("deleted")).isTrue();
        assertThat(deleted.getString("text")).isEmpty();
        assertThat(alice.request("edit", new JsonObject().put("id", id).put("text", "back")).getString("error"))
                .isEqualTo("not_found");
    }

    @Test
    void typingIsRelayedToTheOthersInTheRoom() throws Exception {
        SioClient alice = user("alice");
        SioClient bob = user("bob");
        bob.ok("join", new JsonObject().put("room", "general"));
        alice.emit("typing", new JsonObject().put("room", "general"));
        assertThat(bob.next("typing").getString("user")).isEqualTo("alice");
    }

    @Test
    void aGuestReadsButCannotPost() throws Exception {
        SioClient guest = user("visitor", Role.GUEST);
        assertThat(guest.next("hello").getBoolean("canPost")).isFalse();
        guest.ok("join", new JsonObject().put("room", "general"));
        assertThat(guest.request("send", send("general", "hi", "guest-msg-1")).getString("error")).isEqualTo("forbidden");
        assertThat(guest.request("create", new JsonObject().put("room", "guestroom")).getString("error")).isEqualTo("forbidden");
    }

    @Test
    void historySurvivesARestartOfTheStore() throws Exception {
        SioClient alice = user("alice");
        long id = alice.ok("send", send("general", "kept", "kept-msg-01")).getJsonObject("message").getLong("id");
        var reopened = dev.nagare.store.SqliteStore.open(server.nagare().vertx(), server.dataDir()).await();
        try {
            assertThat(new ChatLog(reopened).find(id).await().orElseThrow().text()).isEqualTo("kept");
        } finally {
            reopened.close().await();
        }
    }

    @Test
    void aTokenWithoutTheJoinRightIsNotPutInGeneralAndCannotReadItsHistoryOrLiveMessages() throws Exception {
        SioClient alice = user("alice");
        alice.ok("send", send("general", "for readers only", "secret-msg-01"));
        SioClient spy = SioClient.connectScoped(server, "/chat", "feedbot", java.util.Set.of("publish:feed/*"));
        clients.add(spy);
        assertThat(spy.next("hello").getBoolean("canRead")).isFalse();
        JsonObject history = spy.request("history", new JsonObject().put("room", "general"));
        assertThat(history.getString("error")).isEqualTo("forbidden");
        assertThat(history.getString("message")).contains("join:chat/general");
        assertThat(spy.request("join", new JsonObject().put("room", "general")).getString("error")).isEqualTo("forbidden");

        alice.ok("send", send("general", "live, also for readers only", "secret-msg-02"));
        // Alice's ack comes after the broadcast was queued; the spy's ack after anything queued for it.
        spy.ok("rooms", new JsonObject());
        assertThat(spy.drain("message")).isEmpty();
        assertThat(spy.request("send", send("general", "hi", "spy-msg-0001")).getString("error")).isEqualTo("not_member");
        // With the right, the same user reads general.
        SioClient reader = SioClient.connectScoped(server, "/chat", "feedbot", java.util.Set.of("join:chat/general"));
        clients.add(reader);
        assertThat(reader.next("hello").getBoolean("canRead")).isTrue();
        assertThat(texts(reader.ok("history", new JsonObject().put("room", "general").put("limit", 200))))
                .contains("for readers only");
    }

    private static List<String> texts(JsonObject page) {
        List<String> out = new ArrayList<>();
        JsonArray a = page.getJsonArray("messages");
        for (int i = 0; i < a.size(); i++) {
            out.add(a.getJsonObject(i).getString("text"));
        }
        return out;
    }
}
