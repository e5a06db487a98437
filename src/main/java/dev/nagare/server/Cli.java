package dev.nagare.server;

import java.io.PrintWriter;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The command line. The options are built from {@link Setting} so that help, environment variables
 * and the config file always agree. {@code nagare} with no subcommand means {@code nagare serve}.
 *
 * <p>Exit codes: 0 after a clean shutdown, 1 when the server cannot start (port in use, unreadable
 * data dir), 2 for a usage or configuration error.
 */
public final class Cli {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;

    private static final Logger LOG = LoggerFactory.getLogger(Cli.class);

    private final Map<String, String> env;
    private final PrintWriter out;
    private final PrintWriter err;
    private final java.io.BufferedReader stdin;
    private boolean ownsLogging;

    public Cli(Map<String, String> env, PrintWriter out, PrintWriter err) {
        this(env, out, err, new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
                java.nio.charset.StandardCharsets.UTF_8)));
    }

    public Cli(Map<String, String> env, PrintWriter out, PrintWriter err, java.io.BufferedReader stdin) {
        this.env = env;
        this.out = out;
        this.err = err;
        this.stdin = stdin;
    }

    /**
     * This command line is the process's own ({@link Main}): it may reconfigure logging, sending a
     * command's log lines to standard error. An embedding program or a test keeps its logging.
     */
    public Cli owningLogging() {
        ownsLogging = true;
        return this;
    }

    public int run(String... args) {
        CommandLine cl = new CommandLine(rootSpec());
        cl.setOut(out);
        cl.setErr(err);
        ParseResult parsed;
        try {
            parsed = cl.parseArgs(args);
        } catch (ParameterException e) {
            err.println("nagare: " + e.getMessage());
            if (e instanceof CommandLine.UnmatchedArgumentException u) {
                for (String arg : u.getUnmatched()) {
                    String near = nearestOption(arg);
                    if (near != null) {
                        err.println("Did you mean: " + near + "?");
                    }
                }
            }
            err.println("Run '" + CommandName.get() + " --help' for the list of options.");
            return EXIT_USAGE;
        }
        if (CommandLine.printHelpIfRequested(parsed)) {
            return EXIT_OK;
        }
        ParseResult command = parsed.hasSubcommand() ? parsed.subcommand() : parsed;
        ParseResult leaf = command;
        while (leaf.hasSubcommand()) {
            leaf = leaf.subcommand();
        }
        ServerConfig config;
        try {
            config = ConfigResolver.resolve(flags(leaf), env);
        } catch (ConfigException e) {
            err.println("nagare: " + e.getMessage());
            return EXIT_USAGE;
        }
        String name = command.commandSpec().name();
        if (ownsLogging && command != parsed && !"serve".equals(name)) {
            Logging.forCommands();
        }
        if (command != parsed && "audio".equals(name)) {
            out.print(dev.nagare.media.audio.JavaSoundSource.describeDevices());
            out.flush(); // print does not flush an auto-flushing writer; the process exits right after
            return EXIT_OK;
        }
        if (command != parsed && ("user".equals(name) || "token".equals(name))) {
            return new AccountCommands(out, err, stdin).run(name, leaf, config);
        }
        if (command != parsed && "store".equals(name)) {
            return new StoreCommands(out, err).run(leaf, config);
        }
        return serve(config);
    }

    private int serve(ServerConfig config) {
        Logging.apply(config);
        // Handlers go in before start so that a signal during start-up still drains cleanly.
        CountDownLatch terminate = new CountDownLatch(1);
        Signals.onTermination(signal -> {
            LOG.info("Received SIG{}: draining (up to {} s)", signal, config.shutdownTimeout().toSeconds());
            terminate.countDown();
        });
        Nagare nagare = Nagare.create(config.withAllAppsUnlessNamed()); // the command line runs every module by default
        try {
            nagare.start();
        } catch (StartupException e) {
            err.println("nagare: " + e.getMessage());
            LOG.error("Start-up failed: {}", e.getMessage());
            return EXIT_FAILURE;
        }
        try {
            terminate.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        nagare.stop();
        return EXIT_OK;
    }

    /** The settings {@code args} (a server command line) and {@code env} give, without running anything. */
    static ServerConfig configOf(Map<String, String> env, String... args) {
        ParseResult parsed = new CommandLine(rootSpec()).parseArgs(args);
        ParseResult leaf = parsed;
        while (leaf.hasSubcommand()) {
            leaf = leaf.subcommand();
        }
        return ConfigResolver.resolve(flags(leaf), env);
    }

    /** The option within two edits of {@code arg} (ignoring any {@code =value}), if there is one. */
    static String nearestOption(String arg) {
        if (!arg.startsWith("--")) {
            return null;
        }
        String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
        String best = null;
        int bestDistance = 3;
        for (Setting s : Setting.values()) {
            int d = editDistance(name, s.option());
            if (d < bestDistance) {
                bestDistance = d;
                best = s.option();
            }
        }
        return best;
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static Map<Setting, String> flags(ParseResult parsed) {
        Map<Setting, String> flags = new EnumMap<>(Setting.class);
        for (Setting s : Setting.values()) {
            if (parsed.hasMatchedOption(s.option())) {
                flags.put(s, parsed.matchedOptionValue(s.option(), null));
            }
        }
        return flags;
    }

    private static CommandSpec rootSpec() {
        CommandSpec root = serveSpec("nagare");
        root.usageMessage().description(
                "Nagare " + Version.get() + ": a real-time streaming server: Socket.IO chat, data feeds and a dashboard,"
                        + " an online game, Server-Sent Events, MJPEG video and live audio.",
                "With no command, runs 'serve'.%n",
                "Every option can also be set as an environment variable NAGARE_<NAME> or as a key in"
                        + " the --config YAML file. Precedence: flags > environment > config file > default.%n");
        CommandSpec serve = serveSpec("serve");
        serve.usageMessage().description("Run the server (the default command).");
        root.addSubcommand("serve", serve);
        AccountCommands.addTo(root, Cli::storeSpec);
        StoreCommands.addTo(root, Cli::storeSpec);
        CommandSpec audio = spec("audio", List.of());
        audio.usageMessage().description("Audio capture devices.");
        CommandSpec devices = spec("devices", List.of());
        devices.usageMessage().description("List the capture devices Java Sound sees, with the index --audio-mic takes.");
        audio.addSubcommand("devices", devices);
        root.addSubcommand("audio", audio);
        return root;
    }

    /** The server's command: every setting. */
    private static CommandSpec serveSpec(String name) {
        return spec(name, List.of(Setting.values()));
    }

    /** A command that works on the store only (user, token, store): the settings that say where it is. */
    private static CommandSpec storeSpec(String name) {
        return spec(name, STORE_SETTINGS);
    }

    static final List<Setting> STORE_SETTINGS = List.of(Setting.CONFIG, Setting.DATA_DIR, Setting.STORE,
            Setting.STORE_PASSWORD, Setting.STORE_PASSWORD_FILE, Setting.STORE_POOL);

    private static CommandSpec spec(String name, List<Setting> settings) {
        CommandSpec spec = CommandSpec.create().name(name).version("Nagare " + Version.get());
        spec.mixinStandardHelpOptions(true);
        spec.usageMessage().sortOptions(false);
        for (Setting s : settings) {
            String dflt = s.defaultValue() == null || s.defaultValue().isEmpty() ? "" : " Default: " + s.defaultValue() + ".";
            OptionSpec.Builder option = OptionSpec.builder(s.option())
                    .paramLabel("<" + s.label() + ">")
                    .type(String.class)
                    .description(s.description() + " Env: " + s.envVar() + "." + dflt);
            if (s.isSwitch()) {
                // --guests alone means true, as on every command line; --guests false still works.
                option.arity("0..1").fallbackValue("true");
            }
            spec.addOption(option.build());
        }
        return spec;
    }
}
