package dev.nagare.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.testing.Tools;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chaos and abuse suite against the packaged jar. In {@code mvn verify} it runs at the CI size;
 * {@code scripts/chaos} runs it at full size ({@code -Dchaos.size=full}) and writes
 * docs/RELIABILITY.md ({@code -Dchaos.report=...}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChaosIT {
    @TempDir
    static Path dir;

    private static ChaosScenarios.Sizes sizes;
    private static ChaosScenarios scenarios;
    private static ChaosReport report;
    private static JarServer loaded;
    private static String token;

    @BeforeAll
    static void start() throws Exception {
        Tools.require("node", "apt-get install nodejs npm", "/usr/bin/node", "/usr/local/bin/node");
        sizes = "full".equals(System.getProperty("chaos.size")) ? ChaosScenarios.Sizes.full() : ChaosScenarios.Sizes.ci();
        scenarios = new ChaosScenarios(sizes);
        report = new ChaosReport(sizes.name());
        loaded = new JarServer(dir.resolve("load"), "512m", ChaosScenarios.LOAD_FLAGS).start();
        token = loaded.adminToken();
    }

    @AfterAll
    static void stop() throws Exception {
        if (loaded != null) {
            loaded.close();
        }
        if (scenarios != null) {
            scenarios.close();
        }
        if (report != null) {
            report.writeTo("chaos.report", "target/chaos/RELIABILITY.md");
        }
    }


    @Test
    @Order(1)
    void fuzzedPacketsCrashNothingAndAWitnessKeepsItsAcks() throws Exception {
        report.check(scenarios.fuzz(loaded, token));
    }

    @Test
    @Order(2)
    void connectCloseCyclesLeaveHeapDescriptorsAndThreadsAtTheirBaseline() throws Exception {
        report.check(scenarios.cycles(loaded, token));
    }

    @Test
    @Order(3)
    void clientsReconnectingAtOnceRecoverEveryMessageOnceInOrder() throws Exception {
        report.check(scenarios.recovery(loaded, token));
    }

    @Test
    @Order(4)
    void killMinus9DuringAChatLoadLosesNoAckedMessage() throws Exception {
        report.check(scenarios.killDuringChat(loaded, token));
        assertThat(loaded.alive()).as("the restarted server").isTrue();
    }
}
