package dev.nagare.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nagare user ...} and {@code nagare token ...} against a real SQLite store. */
class AccountCommandsTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String stdin, String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        return new Cli(Map.of("NAGARE_DATA_DIR", dir.toString()), new PrintWriter(out, true), new PrintWriter(err, true),
                new BufferedReader(new StringReader(stdin))).run(args);
    }

    @Test
    void usersCanBeAddedListedRepasswordedAndDeleted() {
        assertThat(run("river stone lantern\n", "user", "add", "alice", "--password-stdin")).isZero();
        assertThat(out.toString()).contains("Created user 'alice'.");
        assertThat(run("", "user", "add", "bob", "--role", "admin", "--password-stdin")).isEqualTo(Cli.EXIT_USAGE);
        assertThat(err.toString()).contains("no password on standard input");
        assertThat(run("mountain cloud river\n", "user", "add", "carol", "--role", "admin", "--password-stdin")).isZero();

        assertThat(run("", "user", "list")).isZero();
        assertThat(out.toString()).contains("alice", "user", "carol", "admin");

        assertThat(run("another long phrase\n", "user", "passwd", "alice", "--password-stdin")).isZero();
        assertThat(out.toString()).contains("Password of 'alice' changed; its sessions and tokens ended.");

        assertThat(run("", "user", "delete", "alice")).isZero();
        assertThat(run("", "user", "delete", "alice")).isEqualTo(Cli.EXIT_FAILURE);
        assertThat(out.toString()).contains("No user 'alice'.");
    }

    @Test
    void rightsAreGrantedAndRevokedAsTheReadmeWritesIt() {
        assertThat(run("river stone lantern\n", "user", "add", "alice", "--password-stdin")).isZero();
        assertThat(run("", "user", "grant", "alice", "broadcast:video/*")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("Granted broadcast:video/* to 'alice'.");
        assertThat(run("", "user", "list")).isZero();
        assertThat(out.toString()).contains("grants broadcast:video/*");
        assertThat(run("", "user", "revoke", "alice", "broadcast:video/*")).isZero();
        assertThat(run("", "user", "revoke", "alice", "broadcast:video/*")).isEqualTo(Cli.EXIT_FAILURE);
        // A missing right is a usage error that says what is missing; help shows both parameters.
        assertThat(run("", "user", "grant", "alice")).isEqualTo(Cli.EXIT_USAGE);
        assertThat(err.toString()).contains("Missing required parameter: 'RIGHT'");
        assertThat(run("", "user", "grant", "--help")).isZero();
        assertThat(out.toString()).contains("NAME RIGHT").doesNotContain("NAME RIGHT NAME RIGHT");
    }

    @Test
    void aNewPasswordOrADeletionEndsTheAccountsTokensInTheStore() {
        run("river stone lantern\n", "user", "add", "frank", "--password-stdin");
        run("river stone lantern\n", "user", "add", "grace", "--password-stdin");
        assertThat(run("", "token", "create", "--user", "frank", "--name", "frank-sensor", "--scopes", "publish:feed/*")).isZero();
        assertThat(run("", "token", "create", "--user", "grace", "--name", "grace-sensor", "--scopes", "publish:feed/*")).isZero();
        assertThat(run("mountain cloud river\n", "user", "passwd", "frank", "--password-stdin")).isZero();
        assertThat(run("", "token", "list")).isZero();
        assertThat(out.toString()).doesNotContain("frank-sensor").contains("grace-sensor");
        assertThat(run("", "user", "delete", "grace")).isZero();
        assertThat(run("", "token", "list")).isZero();
        assertThat(out.toString()).doesNotContain("grace-sensor");
    }

    @Test
    void theReportedWeakPasswordsAreRefusedWithReasons() {
        for (String weak : new String[] {"        ", "Pa$$w0rd", "Summer2024", "Welcome1!"}) {
            assertThat(run(weak + "\n", "user", "add", "henry", "--password-stdin")).as(weak).isEqualTo(Cli.EXIT_FAILURE);
            assertThat(err.toString()).as(weak).containsAnyOf("too common", "only spaces");
        }
        assertThat(run("river stone lantern\n", "user", "add", "henry", "--password-stdin")).isZero();
        assertThat(run("Summer2024\n", "user", "passwd", "henry", "--password-stdin")).isEqualTo(Cli.EXIT_FAILURE);
        assertThat(err.toString()).contains("too common");
    }

    @Test
    void weakPasswordsBadRolesAndDuplicatesAreRefusedWithReasons() {
        assertThat(run("password123\n", "user", "add", "dave", "--password-stdin")).isEqualTo(Cli.EXIT_FAILURE);
        assertThat(err.toString()).contains("too common");
        assertThat(run("river stone lantern\n", "user", "add", "dave", "--role", "king", "--password-stdin"))
                .isEqualTo(Cli.EXIT_USAGE);
        assertThat(err.toString()).contains("--role must be admin, user or guest");
        assertThat(run("river stone lantern\n", "user", "add", "dave", "--password-stdin")).isZero();
        assertThat(run("river stone lantern\n", "user", "add", "DAVE", "--password-stdin")).isEqualTo(Cli.EXIT_FAILURE);
        assertThat(err.toString()).contains("is taken");
        assertThat(run("river stone lantern\n", "user", "add", "<script>", "--password-stdin")).isEqualTo(Cli.EXIT_FAILURE);
        assertThat(err.toString()).contains("User name must be");
    }

    @Test
    void sqlInjectionStringsAreStoredAndReturnedVerbatim() {
        run("river stone lantern\n", "user", "add", "erin", "--password-stdin");
        String evil = "x'); DROP TABLE users; -- \" OR 1=1 --";
        assertThat(run("", "token", "create", "--user", "erin", "--name", evil, "--scopes", "publish:feed/*")).isZero();
        assertThat(run("", "token", "list")).isZero();
        assertThat(out.toString()).contains(evil);
        assertThat(run("", "user", "list")).isZero();
        assertThat(out.toString()).contains("erin"); // the users table is still there
        // A user name is an identifier, not free text: injection-shaped names are refused up front.
        assertThat(run("river stone lantern\n", "user", "add", "a' OR '1'='1", "--password-stdin"))
                .isEqualTo(Cli.EXIT_FAILURE);
        assertThat(err.toString()).contains("User name must be");
    }

    @Test
    void tokensAreCreatedWithScopesListedWithoutSecretsAndRevoked() {
        run("river stone lantern\n", "user", "add", "feeder", "--password-stdin");
        assertThat(run("", "token", "create", "--user", "feeder", "--name", "sensor-1",
                "--scopes", "publish:feed/*")).isZero();
        String secret = out.toString().lines().filter(l -> l.startsWith("ngr_")).findFirst().orElseThrow();
        assertThat(run("", "token", "list")).isZero();
        assertThat(out.toString()).contains("feeder", "sensor-1", "publish:feed/*").doesNotContain(secret);
        assertThat(run("", "token", "create", "--user", "feeder", "--name", "x", "--scopes", "bad scope!"))
                .isEqualTo(Cli.EXIT_FAILURE);
        assertThat(err.toString()).contains("Malformed scope");
        assertThat(run("", "token", "revoke", "1")).isZero();
        assertThat(run("", "token", "list")).isZero();
        assertThat(out.toString()).doesNotContain("sensor-1");
    }
}
