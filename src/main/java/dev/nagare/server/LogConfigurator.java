package dev.nagare.server;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.net.URL;

/**
 * Logback's first configurator (found through {@code META-INF/services}): when Logback would read
 * Nagare's own {@code logback.xml}, it installs the same set-up in code ({@link Logging#serverLogs}),
 * which spares every start Joran's XML parsing. Whenever anything else would have configured Logback
 * (a {@code logback.configurationFile} property, a {@code logback-test.xml}, an application's own
 * {@code logback.xml} ahead of ours on the classpath) it steps aside, so embedding applications and
 * tests are configured as before.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogConfigurator extends ContextAwareBase implements Configurator {

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (!ownConfigurationApplies()) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        Logging.serverLogs(context, Logging.pattern());
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** True when Logback's own search (property, logback-test.xml, logback.xml) would find Nagare's logback.xml. */
    static boolean ownConfigurationApplies() {
        if (System.getProperty("logback.configurationFile") != null) {
            return false;
        }
        ClassLoader loader = LogConfigurator.class.getClassLoader();
        if (loader.getResource("logback-test.xml") != null) {
            return false;
        }
        URL found = loader.getResource("logback.xml");
        URL ours = LogConfigurator.class.getResource("/nagare-version.properties");
        return found != null && ours != null
                && found.toString().equals(ours.toString().replace("nagare-version.properties", "logback.xml"));
    }
}
