package dev.nagare.chaos;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The abuse half of the chaos suite against the packaged jar: one account's memory attacks on a
 * server with its default limits, and slow readers of every streaming kind. CI size by default;
 * {@code -Dchaos.size=full} for the full size. Rows go to target/chaos/RELIABILITY-attacks.md
 * ({@code -Dchaos.report.attacks=...}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChaosAttacksIT {
    static final String MALLORY_PASSWORD = "hollow bright kettle orchard";

    @TempDir
    static Path dir;

    private static ChaosScenarios.Sizes sizes;
    private static ChaosReport report;
    private static JarServer defaults;
    private static JarServer loaded;

    @BeforeAll
    static void start() throws Exception {
        sizes = "full".equals(System.getProperty("chaos.size")) ? ChaosScenarios.Sizes.full() : ChaosScenarios.Sizes.ci();
        report = new ChaosReport(sizes.name());
        Path data = dir.resolve("defaults");
        ChaosAccounts.addUser(data, "mallory", "user", MALLORY_PASSWORD);
        // The attacked server gets a CPU of its own and the attacker (this JVM) another, as in the
        // benchmarks: an attacker elsewhere on the network does not take the server's CPU.
        // Default limits; health checks on the management port, as the README advises.
        defaults = new JarServer(data, "256m", List.of("--management-port", "0")).pinnedTo("0").start();
        loaded = new JarServer(dir.resolve("load"), "512m", ChaosScenarios.LOAD_FLAGS).start();
    }

    @AfterAll
    static void stop() throws Exception {
        for (JarServer s : new JarServer[] {defaults, loaded}) {
            if (s != null) {
                s.close();
            }
        }
        for (String log : List.of("defaults.log", "load.log")) {
            if (Files.exists(dir.resolve(log))) { // the servers' logs outlive the temporary dir, for a look afterwards
                Files.createDirectories(Path.of("target/chaos"));
                Files.copy(dir.resolve(log), Path.of("target/chaos", log), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (report != null) {
            report.writeTo("chaos.report.attacks", "target/chaos/RELIABILITY-attacks.md");
        }
    }

    @Test
    @Order(1)
    void oneAccountsMemoryAttacksLeaveHeapAndRssBoundedAndTheServerAnswering() throws Exception {
        String token = ChaosAccounts.token(defaults, "mallory", MALLORY_PASSWORD);
        long self = ProcessHandle.current().pid();
        boolean pinned = defaults.pinned() && JarServer.pin(self, "1");
        try {
            List<ChaosReport.Row> rows = new MemoryAttacks(sizes).run(defaults, token);
            // The health row is measured and reported, not asserted here: what it measures is how soon
            // a thread that sleeps gets a CPU on a shared machine (a CI run has other processes on
            // the server's core). scripts/chaos writes it into docs/RELIABILITY.md, where it must hold.
            report.add(rows.get(1));
            report.check(rows.get(0));
        } finally {
            if (pinned) {
                JarServer.pin(self, JarServer.allCpus());
            }
        }
    }

    @Test
    @Order(2)
    void aSlowReaderOfEachKindIsDroppedOrSkipsAndMemoryStaysFlat() throws Exception {
        report.check(new SlowReaders(sizes).run(loaded, loaded.adminToken()));
    }
}
