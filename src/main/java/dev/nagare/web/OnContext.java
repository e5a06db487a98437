package dev.nagare.web;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.ext.web.RoutingContext;

/**
 * A route step that goes on with the request on one context's event loop: for the routes of a
 * module whose state lives on the server's home context ("home context only", e.g. the feed hub,
 * the game), now that the main port's connections are served by several loops ({@code --event-loops})
 * and a request's handlers run on its connection's. Put it after the steps that read the body or
 * attach the principal, just before the handler that touches that state; the response may be
 * written from any thread.
 */
public final class OnContext implements Handler<RoutingContext> {
    private final Context context;

    private OnContext(Context context) {
        this.context = context;
    }

    public static OnContext of(Context context) {
        return new OnContext(context);
    }

    @Override
    public void handle(RoutingContext ctx) {
        if (Vertx.currentContext() == context || ((ContextInternal) context).nettyEventLoop().inEventLoop()) {
            ctx.next();
        } else {
            context.runOnContext(v -> ctx.next());
        }
    }
}
