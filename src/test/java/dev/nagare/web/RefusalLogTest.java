package dev.nagare.web;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RefusalLogTest {
    @Test
    void aFloodOfRefusalsIsOneLineASecondPerKindWithTheRestCounted() {
        Logger logger = (Logger) LoggerFactory.getLogger("refusal-log-test");
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        AtomicLong now = new AtomicLong(1_000_000);
        RefusalLog refusals = new RefusalLog(logger, now::get);

        for (int i = 0; i < 100; i++) {
            refusals.info("publish", "publish by {} refused", "mallory");
        }
        refusals.info("subscribe", "subscribe by {} refused", "mallory"); // another kind has its own second
        now.addAndGet(1000);
        refusals.info("publish", "publish by {} refused", "mallory");

        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
                "publish by mallory refused",
                "subscribe by mallory refused",
                "publish by mallory refused (and 99 more like it in the last second)");
    }
}
