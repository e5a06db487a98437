package dev.nagare.web;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import java.util.List;

/**
 * One capability of the server: an app (chat, feed, game), a media kind (video, audio) or SSE. The
 * server assembles the ones {@code --apps} names around its core (store, login, Socket.IO, health)
 * and drives each through this life cycle, in order: {@link #start}, {@link #mount}, then on shutdown
 * {@link #drain} and {@link #stop}. A module gets what it needs (namespaces, store, guards) when it is
 * constructed; it reaches nothing else of the server.
 */
public interface ServerModule {

    /** Its name in {@code --apps}. */
    String name();

    /**
     * Installs its namespaces, loads its state and starts its sources. Called on the server's home
     * event-loop context before the server listens; the server listens once every module's future
     * has completed, and does not start if one fails.
     */
    Future<Void> start();

    /**
     * The pages it serves to people, in the order the navigation bar lists them. The server puts the
     * one login rule in front of each before {@link #mount} (the module serves the page's file only).
     */
    default List<AppPage> pages() {
        return List.of();
    }

    /** Adds its HTTP routes (pages, APIs, streams); called once, after {@link #start}. */
    void mount(Router router, StaticAssets assets);

    /**
     * The server is draining (readiness already says 503): stop taking new work and end long-lived
     * exchanges with {@code reason}. Socket.IO sessions are closed by the server itself afterwards.
     */
    default Future<Void> drain(String reason) {
        return Future.succeededFuture();
    }

    /**
     * Registers this module's meters in {@code registry} (once, before the server listens; label
     * values from users bounded, see {@link MeterRows}). Returns what refreshes their per-scrape
     * rows, run on the server's home context before each scrape of {@code /metrics}.
     */
    default Runnable metrics(MeterRegistry registry) {
        return () -> { };
    }

    /** Releases sources, timers and processes; called after the HTTP server stopped, before the store closes. */
    default Future<Void> stop() {
        return Future.succeededFuture();
    }
}
