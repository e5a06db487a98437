package dev.nagare.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nagare.apps.chat.ChatModule;
import dev.nagare.sse.SseModule;
import dev.nagare.web.ServerModule;
import io.socket.client.IO;
import io.socket.client.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which modules run: all from the command line, only those named when embedded; each with its routes and tables. */
class ModulesTest {
    @TempDir
    Path dir;
    final HttpClient http = HttpClient.newHttpClient();

    private int status(Nagare n, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(n.baseUrl() + path)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void anEmbeddedServerRunsNoModuleUnlessItsConfigNamesOneAndItsOwnChatIsItsOwn() throws Exception {
        Nagare n = Nagare.create(ServerConfig.defaults().withPort(0).withDataDir(dir)).start();
        try {
            assertThat(n.modules()).isEmpty();
            assertThat(n.chat()).isNull();
            assertThat(n.store().schema()).containsOnlyKeys("instance", "auth");
            assertThat(status(n, "/health/ready")).isEqualTo(200);
            assertThat(status(n, "/chat")).isEqualTo(404);
            assertThat(status(n, "/video/default")).isEqualTo(404);
            // The application's own /chat: no built-in login middleware or handlers meet it.
            n.io().of("/chat").onConnection(socket -> socket.emit("hello", "from the app"));
            Socket client = IO.socket(URI.create(n.baseUrl() + "/chat"), IO.Options.builder()
                    .setTransports(new String[] {"websocket"}).setForceNew(true).setReconnection(false).build());
            CompletableFuture<Object> hello = new CompletableFuture<>();
            client.on("hello", args -> hello.complete(args[0]));
            client.connect();
            assertThat(hello.get(10, TimeUnit.SECONDS)).isEqualTo("from the app");
            client.close();
        } finally {
            n.stop();
        }
    }

    @Test
    void namedModulesRunWithTheirRoutesAndTablesAndNoOthers() throws Exception {
        ServerConfig config = ConfigResolver.resolve(Map.of(Setting.APPS, "sse, chat"), Map.of()).withPort(0).withDataDir(dir);
        Nagare n = Nagare.create(config).start();
        try {
            assertThat(n.modules()).extracting(ServerModule::name).containsExactly("chat", "sse");
            assertThat(n.module(ChatModule.class).app()).isNotNull();
            assertThat(n.module(SseModule.class)).isNotNull();
            assertThat(n.store().schema()).containsOnlyKeys("instance", "auth", "chat");
            assertThat(status(n, "/chat")).isEqualTo(303); // to the login page: the chat page is there
            assertThat(status(n, "/video/default")).isEqualTo(404);
            assertThat(status(n, "/feeds")).isEqualTo(404);
        } finally {
            n.stop();
        }
    }

    @Test
    void theCommandLineRunsEveryModuleUnlessAppsNamesSome() {
        ServerConfig unnamed = ConfigResolver.resolve(Map.of(), Map.of());
        assertThat(unnamed.apps()).isNull();
        assertThat(unnamed.withAllAppsUnlessNamed().apps()).containsExactlyElementsOf(Modules.names());
        assertThat(Modules.names()).containsExactly("chat", "feed", "game", "video", "audio", "sse");
        ServerConfig none = ConfigResolver.resolve(Map.of(Setting.APPS, "none"), Map.of());
        assertThat(none.withAllAppsUnlessNamed().apps()).isEmpty();
        assertThatThrownBy(() -> ConfigResolver.resolve(Map.of(Setting.APPS, "chat,radio"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("each must be one of chat, feed, game, video, audio, sse, or none");
    }

    @Test
    void theAdminUiRunsOnlyWhenAskedForEvenBesideEveryApp() {
        ServerConfig every = ConfigResolver.resolve(Map.of(), Map.of()).withAllAppsUnlessNamed();
        assertThat(Modules.chosen(every)).extracting(Modules.Kind::name).doesNotContain("admin-ui");
        ServerConfig asked = ConfigResolver.resolve(Map.of(), Map.of("NAGARE_ADMIN_UI", "true")).withAllAppsUnlessNamed();
        assertThat(Modules.chosen(asked)).extracting(Modules.Kind::name)
                .containsExactly("chat", "feed", "game", "video", "audio", "sse", "admin-ui");
        ServerConfig alone = ConfigResolver.resolve(Map.of(Setting.APPS, "none", Setting.ADMIN_UI, "true"), Map.of());
        assertThat(Modules.chosen(alone)).extracting(Modules.Kind::name).containsExactly("admin-ui");
    }
}
