package dev.nagare.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import org.slf4j.LoggerFactory;

/**
 * Nagare's three logging set-ups, built in code: text lines on standard output (the default, installed
 * by {@link LogConfigurator} when Logback starts), JSON lines ({@code log-format json}), and warnings
 * only on standard error for commands other than serve. In code rather than Logback XML because
 * Joran, the XML configurator, loaded some 430 classes (an XML parser among them) at every start: a
 * thirteenth of all the classes a start loaded, for three fixed set-ups.
 */
final class Logging {
    static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{1} - %msg%n";

    private Logging() {
    }

    static void apply(ServerConfig config) {
        if (config.logFormat() == ServerConfig.LogFormat.JSON
                && LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.reset();
            JsonEncoder json = new JsonEncoder();
            // One JSON object per line, for log shippers: the formatted message, no template nor arguments.
            json.setWithSequenceNumber(false);
            json.setWithNanoseconds(false);
            json.setWithContext(false);
            json.setWithMessage(false);
            json.setWithArguments(false);
            json.setWithFormattedMessage(true);
            serverLogs(context, json);
        }
    }

    /** For commands other than serve: warnings and errors only, on standard error (results own stdout). */
    static void forCommands() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.reset();
            ConsoleAppender<ILoggingEvent> stderr = console(context, "STDERR", pattern());
            stderr.setTarget("System.err");
            stderr.start();
            root(context, Level.WARN, stderr);
        }
    }

    /** The server's logs: INFO and up on standard output, Netty's and Vert.x's from WARN. */
    static void serverLogs(LoggerContext context, Encoder<ILoggingEvent> encoder) {
        ConsoleAppender<ILoggingEvent> stdout = console(context, "STDOUT", encoder);
        stdout.start();
        context.getLogger("io.netty").setLevel(Level.WARN);
        context.getLogger("io.vertx").setLevel(Level.WARN);
        root(context, Level.INFO, stdout);
    }

    static PatternLayoutEncoder pattern() {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setPattern(PATTERN);
        return encoder;
    }

    private static ConsoleAppender<ILoggingEvent> console(LoggerContext context, String name, Encoder<ILoggingEvent> encoder) {
        encoder.setContext(context);
        encoder.start();
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setName(name);
        appender.setEncoder(encoder);
        return appender;
    }

    private static void root(LoggerContext context, Level level, ConsoleAppender<ILoggingEvent> appender) {
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(level);
        root.addAppender(appender);
    }
}
