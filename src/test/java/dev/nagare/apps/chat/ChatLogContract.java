package dev.nagare.apps.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.store.Store;
import dev.nagare.testing.StoreBackend;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Chat history as every store backend keeps it. Subclassed once per backend. */
abstract class ChatLogContract {
    @TempDir
    Path dir;
    Vertx vertx;
    Context loop;
    Store store;
    ChatLog log;

    abstract StoreBackend backend();

    @BeforeEach
    void setUp() throws Exception {
        vertx = Vertx.vertx();
        loop = vertx.getOrCreateContext();
        store = StoreBackend.open(vertx, backend().newStore(dir));
        log = new ChatLog(store);
    }

    @AfterEach
    void tearDown() throws Exception {
        store.close().await(10, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    static <T> T await(Future<T> f) throws Exception {
        return f.await(10, TimeUnit.SECONDS);
    }

    /** Runs {@code call} on the event loop that owns the log (appends are event-loop only). */
    <T> Future<T> onLoop(Supplier<Future<T>> call) {
        Promise<T> p = Promise.promise();
        loop.runOnContext(v -> call.get().onComplete(p));
        return p.future();
    }

    ChatLog.Appended append(String room, String clientId, String text) throws Exception {
        return await(onLoop(() -> log.append(room, 7, "alice", clientId, text, 1000)));
    }

    @Test
    void aRetriedMessageIsStoredOnceAndReportedAsADuplicate() throws Exception {
        ChatLog.Appended first = append("general", "client-msg-1", "hello");
        ChatLog.Appended again = append("general", "client-msg-1", "hello");
        assertThat(first.duplicate()).isFalse();
        assertThat(again.duplicate()).isTrue();
        assertThat(again.message().id()).isEqualTo(first.message().id());
        assertThat(await(log.count("general"))).isEqualTo(1);
    }

    @Test
    void oneBadMessageInABatchFailsAloneAndTheOthersAreStored() throws Exception {
        // The first append starts a write; the next three wait and go together in one transaction.
        List<Future<ChatLog.Appended>> results = await(onLoop(() -> Future.succeededFuture(List.of(
                log.append("general", 7, "alice", "m-1", "one", 1),
                log.append("general", 7, "alice", "m-2", "two", 2),
                log.append("no-such-room", 7, "alice", "m-3", "lost", 3),
                log.append("general", 7, "alice", "m-4", "four", 4)))));
        Future.join(results).otherwiseEmpty().await(10, TimeUnit.SECONDS);
        assertThat(results.get(2).failed()).isTrue();
        assertThat(results.get(1).succeeded() && results.get(3).succeeded()).isTrue();
        assertThat(await(log.before("general", 0, 10))).extracting(ChatMessage::text).containsExactly("one", "two", "four");
    }

    @Test
    void historyPagesBackwardsAndForwardsByIdOldestFirst() throws Exception {
        long[] ids = new long[5];
        for (int i = 0; i < 5; i++) {
            ids[i] = append("general", "page-" + i, "m" + i).message().id();
        }
        assertThat(await(log.before("general", 0, 2))).extracting(ChatMessage::text).containsExactly("m3", "m4");
        assertThat(await(log.before("general", ids[3], 2))).extracting(ChatMessage::text).containsExactly("m1", "m2");
        assertThat(await(log.after("general", ids[1], 2))).extracting(ChatMessage::text).containsExactly("m2", "m3");
    }

    @Test
    void anEditKeepsTheMessageAndADeleteDropsItsTextButNotItsPlace() throws Exception {
        long id = append("general", "edit-1", "first").message().id();
        ChatMessage edited = await(log.edit(id, "second", 2000)).orElseThrow();
        assertThat(edited.text()).isEqualTo("second");
        assertThat(edited.editedAt()).isEqualTo(2000L);
        ChatMessage deleted = await(log.delete(id, 3000)).orElseThrow();
        assertThat(deleted.deleted()).isTrue();
        assertThat(deleted.text()).isEmpty();
        assertThat(await(log.edit(id, "again", 4000))).isEmpty();
        assertThat(await(log.find(id)).orElseThrow().deleted()).isTrue();
    }

    @Test
    void roomsAreCreatedOnceAndDeletedWithTheirMessages() throws Exception {
        assertThat(await(log.createRoom("lobby", 7, 10))).isTrue();
        assertThat(await(log.createRoom("lobby", 8, 11))).isFalse();
        append("lobby", "room-1", "hi");
        assertThat(await(log.rooms())).extracting(ChatLog.StoredRoom::name).containsExactly("general", "lobby");
        assertThat(await(log.rooms()).get(0).createdBy()).isZero();
        assertThat(await(log.deleteRoom("lobby"))).isTrue();
        assertThat(await(log.count("lobby"))).isZero();
        assertThat(await(log.deleteRoom("lobby"))).isFalse();
    }
}
