package dev.nagare.server;

import dev.nagare.auth.Account;
import dev.nagare.auth.Accounts;
import dev.nagare.auth.AuthException;
import dev.nagare.auth.PasswordHasher;
import dev.nagare.auth.Role;
import dev.nagare.auth.Principal;
import dev.nagare.auth.Scopes;
import dev.nagare.auth.StreamTokens;
import dev.nagare.auth.http.StreamTokenRoutes;
import dev.nagare.auth.Tokens;
import dev.nagare.store.Store;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParseResult;

/**
 * {@code nagare user add|passwd|delete|list} and {@code nagare token create|revoke|list}: account
 * administration straight on the store under the data dir (the server may be stopped or running;
 * SQLite serialises the writes).
 */
final class AccountCommands {
    private final PrintWriter out;
    private final PrintWriter err;
    private final BufferedReader stdin;

    AccountCommands(PrintWriter out, PrintWriter err, BufferedReader stdin) {
        this.out = out;
        this.err = err;
        this.stdin = stdin;
    }

    static void addTo(CommandSpec root, java.util.function.Function<String, CommandSpec> base) {
        CommandSpec user = base.apply("user");
        user.usageMessage().description("Manage accounts.");
        user.addSubcommand("add", leaf(base, "add", "Create an account.", "NAME")
                .addOption(option("--role", "ROLE", "admin, user or guest. Default: user."))
                .addOption(flag("--password-stdin", "Read the password from standard input.")));
        user.addSubcommand("passwd", leaf(base, "passwd", "Set an account's password (ends its sessions and tokens).", "NAME")
                .addOption(flag("--password-stdin", "Read the password from standard input.")));
        user.addSubcommand("delete", leaf(base, "delete", "Delete an account with its sessions and tokens.", "NAME"));
        user.addSubcommand("list", leaf(base, "list", "List accounts.", null));
        user.addSubcommand("disable", leaf(base, "disable",
                "Disable an account: no login, its sessions and tokens stop working, its live connections end.", "NAME"));
        user.addSubcommand("enable", leaf(base, "enable", "Enable a disabled account again.", "NAME"));
        user.addSubcommand("grant", pair(base, "grant", "Grant a right, e.g. 'broadcast:video/*' or 'push:feed/prices'."));
        user.addSubcommand("revoke", pair(base, "revoke", "Take back a granted right."));
        root.addSubcommand("user", user);

        CommandSpec token = base.apply("token");
        token.usageMessage().description("Manage API tokens for programs, and make stream URL tokens.");
        token.addSubcommand("create", leaf(base, "create", "Create an API token (its secret is printed once), or with --stream"
                + " a signed URL token that opens one stream (printed alone on standard output).", null)
                .addOption(option("--user", "NAME", "Account the token acts for (required; with --stream, default admin)."))
                .addOption(option("--name", "LABEL", "What the token is for (required, except with --stream)."))
                .addOption(option("--scopes", "SCOPES", "Space- or comma-separated, e.g. 'publish:feed/* broadcast:video/*'."))
                .addOption(option("--ttl-days", "DAYS", "Expire after this many days. Default: never."))
                .addOption(option("--stream", "KIND/NAME", "Make a stream URL token for video/NAME or audio/NAME instead,"
                        + " for players and devices: /video/NAME?token=..."))
                .addOption(option("--ttl", "DURATION", "With --stream: how long it opens the stream, e.g. 90s, 30m, 1h, 7d."
                        + " Default: 1h; at most 366d.")));
        token.addSubcommand("revoke", leaf(base, "revoke", "Revoke a token by id.", "ID"));
        token.addSubcommand("list", leaf(base, "list", "List tokens (never their secrets).", null));
        root.addSubcommand("token", token);
    }

    private static CommandSpec leaf(java.util.function.Function<String, CommandSpec> base, String name,
            String description, String positional) {
        CommandSpec spec = base.apply(name);
        spec.usageMessage().description(description);
        if (positional != null) {
            spec.addPositional(PositionalParamSpec.builder().paramLabel(positional).type(String.class).build());
        }
        return spec;
    }

    private static CommandSpec pair(java.util.function.Function<String, CommandSpec> base, String name,
            String description) {
        CommandSpec spec = base.apply(name);
        spec.usageMessage().description(description);
        // Two positionals, each one value: one positional of arity 2 and type String holds one value only,
        // so the right was refused as an "unmatched argument".
        spec.addPositional(PositionalParamSpec.builder().index("0").paramLabel("NAME").arity("1").required(true).type(String.class)
                .description("The account.").build());
        spec.addPositional(PositionalParamSpec.builder().index("1").paramLabel("RIGHT").arity("1").required(true).type(String.class)
                .description("action:resource, e.g. 'broadcast:video/*'.").build());
        return spec;
    }

    private static OptionSpec option(String name, String label, String description) {
        return OptionSpec.builder(name).paramLabel("<" + label + ">").type(String.class).description(description).build();
    }

    private static OptionSpec flag(String name, String description) {
        return OptionSpec.builder(name).arity("0").type(boolean.class).description(description).build();
    }

    /** Runs {@code group} ("user"/"token") with the leaf command {@code leaf}; returns the exit code. */
    int run(String group, ParseResult leaf, ServerConfig config) {
        Vertx vertx = Vertx.vertx();
        Store store = null;
        try {
            store = Store.open(vertx, config.store(), Store.COMPONENTS).await(30, TimeUnit.SECONDS);
            Accounts accounts = new Accounts(store, vertx, new PasswordHasher());
            Tokens tokens = new Tokens(store);
            String name = leaf.commandSpec().name();
            List<String> args = leaf.matchedPositionals().stream().flatMap(p -> p.stringValues().stream()).toList();
            String arg = args.isEmpty() ? null : args.get(0);
            return switch (group + " " + name) {
                case "user add" -> userAdd(accounts, arg, leaf);
                case "user passwd" -> userPasswd(accounts, arg, leaf);
                case "user delete" -> done(accounts.delete(require(arg, "NAME")).map(deleted -> {
                    out.println(deleted ? "Deleted '" + arg + "'." : "No user '" + arg + "'.");
                    return deleted ? 0 : 1;
                }));
                case "user list" -> {
                    var disabled = accounts.disabledNames().await(30, TimeUnit.SECONDS);
                    for (Account a : accounts.list().await(30, TimeUnit.SECONDS)) {
                        var grants = accounts.grants(a.username()).await(30, TimeUnit.SECONDS);
                        out.printf("%-32s %-6s created %s%s%s%n", a.username(), a.role().wire(),
                                Instant.ofEpochMilli(a.createdAt()), disabled.contains(a.username()) ? "  DISABLED" : "",
                                grants.isEmpty() ? "" : "  grants " + String.join(" ", grants));
                    }
                    yield 0;
                }
                case "user disable", "user enable" -> {
                    boolean disable = name.equals("disable");
                    yield done(accounts.setDisabled(require(arg, "NAME"), disable).map(found -> {
                        out.println(!found ? "No user '" + arg + "'." : (disable ? "Disabled '" : "Enabled '") + arg + "'.");
                        return found ? 0 : 1;
                    }));
                }
                case "user grant" -> done(accounts.grant(arg, args.get(1)).map(v -> {
                    out.println("Granted " + args.get(1) + " to '" + arg + "'.");
                    return 0;
                }));
                case "user revoke" -> done(accounts.revoke(arg, args.get(1)).map(ok -> {
                    out.println(ok ? "Revoked " + args.get(1) + " from '" + arg + "'." : "'" + arg + "' did not have " + args.get(1) + ".");
                    return ok ? 0 : 1;
                }));
                case "token create" -> leaf.hasMatchedOption("--stream")
                        ? streamTokenCreate(accounts, new StreamTokens(store), leaf)
                        : tokenCreate(accounts, tokens, leaf);
                case "token revoke" -> done(tokens.revoke(Long.parseLong(require(arg, "ID"))).map(ok -> {
                    out.println(ok ? "Revoked token " + arg + "." : "No token " + arg + ".");
                    return ok ? 0 : 1;
                }));
                case "token list" -> done(tokens.list().map(list -> {
                    for (Tokens.Info t : list) {
                        out.printf("%-5d %-20s %-24s %s%s%n", t.id(), t.username(), t.name(),
                                t.scopes().isEmpty() ? "(role)" : String.join(" ", t.scopes()),
                                t.expiresAt() == null ? "" : " expires " + Instant.ofEpochMilli(t.expiresAt()));
                    }
                    return 0;
                }));
                default -> {
                    err.println("nagare: '" + group + "' needs a command; see '" + CommandName.get() + " " + group + " --help'.");
                    yield Cli.EXIT_USAGE;
                }
            };
        } catch (UsageError e) {
            err.println("nagare: " + e.getMessage());
            return Cli.EXIT_USAGE;
        } catch (Exception e) {
            Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
            err.println("nagare: " + (cause instanceof AuthException || cause instanceof java.sql.SQLException
                    ? cause.getMessage() : cause.toString()));
            return Cli.EXIT_FAILURE;
        } finally {
            if (store != null) {
                store.close().await();
            }
            vertx.close().await();
        }
    }

    private int userAdd(Accounts accounts, String name, ParseResult leaf) throws Exception {
        require(name, "NAME");
        String roleText = leaf.matchedOptionValue("--role", "user");
        Role role = Role.parse(roleText);
        if (role == null) {
            throw new UsageError("--role must be admin, user or guest, not '" + roleText + "'.");
        }
        String password = password(leaf);
        return done(accounts.create(name, password, role).map(a -> {
            out.println("Created " + role.wire() + " '" + a.username() + "'.");
            return 0;
        }));
    }

    private int userPasswd(Accounts accounts, String name, ParseResult leaf) throws Exception {
        require(name, "NAME");
        String password = password(leaf);
        return done(accounts.setPassword(name, password).map(v -> {
            // The running server notices within about a second (RevocationCheck) and ends the
            // account's sockets and streams; its sessions and tokens are already gone from the store.
            out.println("Password of '" + name + "' changed; its sessions and tokens ended.");
            return 0;
        }));
    }

    private int tokenCreate(Accounts accounts, Tokens tokens, ParseResult leaf) throws Exception {
        String user = require(leaf.matchedOptionValue("--user", null), "--user");
        String label = require(leaf.matchedOptionValue("--name", null), "--name");
        var scopes = Scopes.parse(leaf.matchedOptionValue("--scopes", ""));
        if (scopes.isEmpty()) {
            throw new UsageError("--scopes is required, e.g. --scopes 'publish:feed/*'.");
        }
        String ttlText = leaf.matchedOptionValue("--ttl-days", null);
        Duration ttl = ttlText == null ? null : Duration.ofDays(Long.parseLong(ttlText));
        return done(accounts.find(user).compose(a -> a.isEmpty()
                ? Future.failedFuture(new AuthException("No user '" + user + "'."))
                : tokens.create(a.get(), label, scopes, ttl)).map(created -> {
            out.println("Token " + created.info().id() + " for '" + user + "' (" + String.join(" ", scopes) + "):");
            out.println(created.secret());
            out.println("Store it now: it is not shown again.");
            return 0;
        }));
    }

    /** {@code token create --stream video/cam1 --ttl 1h [--user NAME]}: the token alone on standard output, for scripts. */
    private int streamTokenCreate(Accounts accounts, StreamTokens streams, ParseResult leaf) throws Exception {
        String stream = leaf.matchedOptionValue("--stream", null);
        if (!StreamTokens.validStream(stream)) {
            throw new UsageError("--stream must be video/NAME or audio/NAME, not '" + stream + "'.");
        }
        if (leaf.hasMatchedOption("--scopes") || leaf.hasMatchedOption("--ttl-days")) {
            throw new UsageError("--stream takes --ttl (and --user), not --scopes or --ttl-days.");
        }
        Duration ttl = duration(leaf.matchedOptionValue("--ttl", "1h"));
        String user = leaf.matchedOptionValue("--user", "admin");
        return done(streams.start().compose(ready -> accounts.find(user)).compose(a -> a.isEmpty()
                ? Future.failedFuture(new AuthException("No user '" + user + "'."))
                : accounts.grants(user).compose(grants -> streams.mint(new Principal(a.get().id(), a.get().username(),
                        a.get().role(), grants, null, null), stream, ttl))).map(m -> {
            out.println(m.token());
            err.println("Opens " + StreamTokenRoutes.path(stream) + "?token=... for '" + user + "' until "
                    + Instant.ofEpochMilli(m.expiresAtMillis()) + " (a new password or deleting the account revokes it).");
            return 0;
        }));
    }

    /** {@code 90s}, {@code 30m}, {@code 1h}, {@code 7d}, or plain seconds. */
    static Duration duration(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,9})([smhd]?)").matcher(text.trim());
        if (!m.matches()) {
            throw new UsageError("--ttl must be a number with s, m, h or d (e.g. 90s, 30m, 1h, 7d), not '" + text + "'.");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofSeconds(n);
        };
    }

    private String password(ParseResult leaf) throws IOException {
        if (leaf.hasMatchedOption("--password-stdin")) {
            String line = stdin.readLine();
            if (line == null || line.isEmpty()) {
                throw new UsageError("no password on standard input.");
            }
            return line;
        }
        Console console = System.console();
        if (console == null) {
            throw new UsageError("no terminal to ask for the password; pipe it in with --password-stdin.");
        }
        char[] first = console.readPassword("Password: ");
        char[] again = console.readPassword("Again: ");
        if (first == null || !Arrays.equals(first, again)) {
            throw new UsageError("the passwords differ.");
        }
        return new String(first);
    }

    private static int done(Future<Integer> f) throws Exception {
        return f.await(60, TimeUnit.SECONDS);
    }

    private static String require(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new UsageError(what + " is required.");
        }
        return value;
    }

    private static final class UsageError extends RuntimeException {
        UsageError(String message) {
            super(message);
        }
    }
}
