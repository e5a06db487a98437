package dev.nagare.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.wire.SocketPacket;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Adapter} must do, whatever its backend. Subclass it per implementation
 * (MemoryAdapterTest now, a Redis adapter test later) and return a fresh adapter from {@link #create}.
 */
abstract class AdapterContractTest {

    /** Records what the adapter asks the node to do; fails nothing by itself. */
    static final class Recorder implements AdapterHandler {
        final List<String> delivered = new ArrayList<>();
        final List<String> joined = new ArrayList<>();
        final List<String> left = new ArrayList<>();
        final List<String> disconnected = new ArrayList<>();

        @Override
        public void deliver(SocketPacket packet, BroadcastOptions opts, Collection<String> socketIds) {
            for (String id : socketIds) {
                delivered.add(id + ":" + packet.list().get(0));
            }
        }

        final List<String> serverSide = new ArrayList<>();

        @Override
        public int deliverWithAck(SocketPacket packet, Collection<String> socketIds, long timeoutMs,
                                  java.util.function.Consumer<Object> onAck) {
            for (String id : socketIds) {
                delivered.add(id + ":" + packet.list().get(0) + "?");
            }
            return socketIds.size();
        }

        @Override
        public void serverSideEvent(List<Object> eventAndArgs, java.util.function.Consumer<Object> ack) {
            serverSide.add(String.valueOf(eventAndArgs.get(0)));
        }

        @Override
        public void join(Collection<String> socketIds, Set<String> rooms) {
            socketIds.forEach(id -> joined.add(id + "+" + String.join(",", rooms)));
        }

        @Override
        public void leave(Collection<String> socketIds, Set<String> rooms) {
            socketIds.forEach(id -> left.add(id + "-" + String.join(",", rooms)));
        }

        @Override
        public void disconnect(Collection<String> socketIds, boolean close) {
            socketIds.forEach(id -> disconnected.add(id + (close ? "!" : "")));
        }

        @Override
        public List<Map<String, Object>> describe(Collection<String> socketIds) {
            return socketIds.stream().map(id -> Map.<String, Object>of("id", id)).toList();
        }

        @Override
        public String namespace() {
            return "/";
        }

        @Override
        public void execute(Runnable action) {
            action.run();
        }
    }

    protected Recorder recorder;
    protected Adapter adapter;

    protected abstract Adapter create(AdapterHandler handler);

    @BeforeEach
    void setUp() {
        recorder = new Recorder();
        adapter = create(recorder);
        // a, b, c each in their own id room; a and b in "red", c in "blue", b also in "blue"
        adapter.addAll("a", Set.of("a", "red"));
        adapter.addAll("b", Set.of("b", "red", "blue"));
        adapter.addAll("c", Set.of("c", "blue"));
    }

    private static SocketPacket event(String name) {
        return SocketPacket.event("/", new ArrayList<>(List.of(name)), SocketPacket.NO_ID);
    }

    private static BroadcastOptions opts(Set<String> rooms, Set<String> except) {
        return new BroadcastOptions(rooms, except, false, false);
    }

    @Test
    void broadcastWithNoRoomsReachesEveryone() {
        adapter.broadcast(event("all"), BroadcastOptions.ALL);
        assertThat(recorder.delivered).containsExactlyInAnyOrder("a:all", "b:all", "c:all");
    }

    @Test
    void broadcastToRoomsReachesEachMemberOnce() {
        adapter.broadcast(event("rb"), opts(Set.of("red", "blue"), Set.of()));
        assertThat(recorder.delivered).containsExactlyInAnyOrder("a:rb", "b:rb", "c:rb");
    }

    @Test
    void exceptRemovesEveryMemberOfTheExceptRooms() {
        adapter.broadcast(event("x"), opts(Set.of("red"), Set.of("blue")));
        assertThat(recorder.delivered).containsExactly("a:x");
        recorder.delivered.clear();
        adapter.broadcast(event("y"), opts(Set.of(), Set.of("a")));
        assertThat(recorder.delivered).containsExactlyInAnyOrder("b:y", "c:y");
    }

    @Test
    void leavingARoomStopsDeliveryAndEmptyRoomsDisappear() {
        adapter.del("c", "blue");
        adapter.del("b", "blue");
        adapter.broadcast(event("blue"), opts(Set.of("blue"), Set.of()));
        assertThat(recorder.delivered).isEmpty();
        assertThat(adapter.rooms()).doesNotContain("blue").contains("red", "a", "b", "c");
    }

    @Test
    void delAllRemovesASocketFromEveryRoom() throws Exception {
        adapter.delAll("b");
        assertThat(adapter.members("red")).containsExactly("a");
        assertThat(adapter.sockets(Set.of()).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS))
                .containsExactlyInAnyOrder("a", "c");
    }

    @Test
    void remoteJoinLeaveAndDisconnectGoThroughTheHandlerForTheSelectedSockets() {
        adapter.addSockets(opts(Set.of("red"), Set.of()), Set.of("green"));
        adapter.delSockets(opts(Set.of("blue"), Set.of("b")), Set.of("blue"));
        adapter.disconnectSockets(opts(Set.of("c"), Set.of()), true);
        assertThat(recorder.joined).containsExactlyInAnyOrder("a+green", "b+green");
        assertThat(recorder.left).containsExactly("c-blue");
        assertThat(recorder.disconnected).containsExactly("c!");
    }

    @Test
    void fetchSocketsDescribesTheSelectedSockets() throws Exception {
        List<Map<String, Object>> found = adapter.fetchSockets(opts(Set.of("blue"), Set.of()))
                .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(found).extracting(m -> m.get("id")).containsExactlyInAnyOrder("b", "c");
    }
}
