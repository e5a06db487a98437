package dev.nagare.server;

import dev.nagare.auth.http.HttpGuard;
import dev.nagare.web.AppPage;
import dev.nagare.web.JsonReply;
import dev.nagare.web.ServerModule;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.List;

/**
 * The one login rule of every application page, and the list the navigation bar is built from.
 *
 * <p>Rule: someone not logged in who opens an app page is sent (303) to {@code /login?next=<page>}
 * and comes back after logging in. With {@code --guests}, pages a read-only guest can use (chat,
 * dashboard, game, the SSE viewer) are served instead; pages whose streams or actions always need an
 * account (video, audio, publishing) still send them to log in, rather than show a page that can do
 * nothing. Installed here, before the modules mount their routes, so no module decides this itself
 * and every page looks the same for it (issue 17, item 13).
 *
 * <p>{@code GET /api/pages} is {@code {"pages": [{"path", "title"}...], "guests"}}: the pages of the
 * modules {@code --apps} chose, for the navigation bar ({@code web/assets/nav.js}) and the landing
 * page's cards. It needs no login (a guest's bar and the landing page read it too), and it says
 * nothing the pages themselves do not.
 */
final class AppPages {
    private final List<AppPage> pages;
    private final boolean guests;

    AppPages(List<ServerModule> modules, boolean guests) {
        this.pages = modules.stream().flatMap(m -> m.pages().stream()).toList();
        this.guests = guests;
    }

    /** Guards every page and serves the list; call before the modules' {@code mount}. */
    void mount(Router router, HttpGuard auth) {
        for (AppPage page : pages) {
            router.get(page.path()).handler(auth.attach()).handler(auth.page(guests && page.forGuests()));
        }
        JsonArray list = new JsonArray();
        pages.forEach(p -> list.add(new JsonObject().put("path", p.path()).put("title", p.title())));
        JsonObject body = new JsonObject().put("pages", list).put("guests", guests);
        router.get("/api/pages").handler(ctx -> JsonReply.send(ctx, 200, body));
    }
}
