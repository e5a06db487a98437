package dev.nagare.server;

import dev.nagare.store.Store;
import dev.nagare.store.StoreConfig;
import dev.nagare.store.StoreCopy;
import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * {@code nagare store migrate --from DIR --to URL}: copies a SQLite store (a data directory) into a
 * PostgreSQL database, idempotently (see {@link StoreCopy}); {@code nagare store info}: which store
 * the settings name, its schema and its row counts.
 */
final class StoreCommands {
    private final PrintWriter out;
    private final PrintWriter err;

    StoreCommands(PrintWriter out, PrintWriter err) {
        this.out = out;
        this.err = err;
    }

    static void addTo(CommandSpec root, Function<String, CommandSpec> base) {
        CommandSpec store = base.apply("store");
        store.usageMessage().description("The store: where accounts, chat history and feed samples live.");
        CommandSpec migrate = base.apply("migrate");
        migrate.usageMessage().description("Copy a SQLite store into PostgreSQL: accounts, grants, sessions, tokens,"
                + " chat rooms and history, feed samples and run-time feeds. Safe to run again: nothing is copied twice."
                + " Stop the server first (or run it again once stopped) so that nothing written meanwhile is left behind.");
        migrate.addOption(OptionSpec.builder("--from").paramLabel("<DIR>").type(String.class)
                .description("Data directory holding nagare.db. Default: --data-dir.").build());
        migrate.addOption(OptionSpec.builder("--to").paramLabel("<URL>").type(String.class)
                .description("postgres://USER@HOST:PORT/DATABASE; password from NAGARE_STORE_PASSWORD or"
                        + " --store-password-file. Default: --store.").build());
        store.addSubcommand("migrate", migrate);
        CommandSpec info = base.apply("info");
        info.usageMessage().description("Show the store the settings name: where, schema versions, row counts.");
        store.addSubcommand("info", info);
        root.addSubcommand("store", store);
    }

    int run(ParseResult leaf, ServerConfig config) {
        return switch (leaf.commandSpec().name()) {
            case "migrate" -> migrate(leaf, config);
            case "info" -> info(config.store());
            default -> {
                err.println("nagare: 'store' needs a command: migrate or info; see '" + CommandName.get() + " store --help'.");
                yield Cli.EXIT_USAGE;
            }
        };
    }

    private int migrate(ParseResult leaf, ServerConfig config) {
        Path fromDir = leaf.hasMatchedOption("--from") ? Path.of(leaf.<String>matchedOptionValue("--from", null))
                : config.dataDir();
        StoreConfig to;
        try {
            to = leaf.hasMatchedOption("--to")
                    ? StoreConfig.parse(leaf.matchedOptionValue("--to", null), fromDir, config.store().password(),
                            config.store().poolSize())
                    : config.store();
        } catch (IllegalArgumentException e) {
            err.println("nagare: --to: " + e.getMessage() + ".");
            return Cli.EXIT_USAGE;
        }
        if (to.kind() != StoreConfig.Kind.POSTGRES) {
            err.println("nagare: store migrate needs a PostgreSQL target: --to postgres://USER@HOST:PORT/DATABASE"
                    + " (or --store).");
            return Cli.EXIT_USAGE;
        }
        if (!Files.isRegularFile(fromDir.resolve("nagare.db"))) {
            err.println("nagare: no SQLite store at " + fromDir.resolve("nagare.db") + " (see --from).");
            return Cli.EXIT_FAILURE;
        }
        Vertx vertx = Vertx.vertx();
        Store source = null;
        Store target = null;
        try {
            source = open(vertx, StoreConfig.sqlite(fromDir));
            target = open(vertx, to);
            out.println("Copying " + source.describe() + " to " + target.describe());
            long copied = 0;
            long present = 0;
            for (Map.Entry<String, StoreCopy.Count> e : new StoreCopy(source, target).run().entrySet()) {
                out.printf("  %-14s %8d copied %8d already there%n", e.getKey(), e.getValue().copied(), e.getValue().present());
                copied += e.getValue().copied();
                present += e.getValue().present();
            }
            out.printf("Done: %d rows copied, %d already there. Start the server with --store %s%n", copied, present,
                    to.describe());
            return Cli.EXIT_OK;
        } catch (Exception e) {
            err.println("nagare: store migrate failed: " + reason(e));
            return Cli.EXIT_FAILURE;
        } finally {
            close(source);
            close(target);
            vertx.close().await();
        }
    }

    private int info(StoreConfig config) {
        Vertx vertx = Vertx.vertx();
        Store store = null;
        try {
            store = open(vertx, config);
            out.println("Store: " + store.describe());
            out.println("Schema: " + store.schema());
            for (String table : new String[] {"users", "tokens", "sessions", "chat_rooms", "chat_messages", "feed_samples"}) {
                long n = store.transact(c -> {
                    try (var st = c.createStatement(); var rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
                        rs.next();
                        return rs.getLong(1);
                    }
                }).await(30, TimeUnit.SECONDS);
                out.printf("  %-14s %8d rows%n", table, n);
            }
            return Cli.EXIT_OK;
        } catch (Exception e) {
            err.println("nagare: " + reason(e));
            return Cli.EXIT_FAILURE;
        } finally {
            close(store);
            vertx.close().await();
        }
    }

    private static Store open(Vertx vertx, StoreConfig config) throws Exception {
        return Store.open(vertx, config, Store.COMPONENTS).await(60, TimeUnit.SECONDS);
    }

    private static void close(Store store) {
        if (store != null) {
            store.close().await();
        }
    }

    private static String reason(Throwable e) {
        Throwable t = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
