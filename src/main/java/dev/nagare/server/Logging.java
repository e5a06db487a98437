package dev.nagare.server;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import java.net.URL;
import org.slf4j.LoggerFactory;

/** Applies the configured log format; Logback starts from logback.xml (text) before config is known. */
final class Logging {
    private Logging() {
    }

    static void apply(ServerConfig config) {
        if (config.logFormat() == ServerConfig.LogFormat.JSON) {
            load("/logback-json.xml");
        }
    }

    /** For commands other than serve: warnings and errors only, on standard error (results own stdout). */
    static void forCommands() {
        load("/logback-cli.xml");
    }

    private static void load(String resource) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        URL json = Logging.class.getResource(resource);
        context.reset();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        try {
            configurator.doConfigure(json);
        } catch (JoranException e) {
            throw new ConfigException("Cannot configure logging from " + resource + ": " + e.getMessage(), e);
        }
    }
}
