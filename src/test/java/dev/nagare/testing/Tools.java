package dev.nagare.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * External tools a test needs (chromium, ffmpeg, node...). On a bare machine a missing tool skips
 * the test with a loud reason; with {@code -Dnagare.requireAll=true} (CI) it fails the test, so a
 * broken install step can never turn into a silently green build.
 */
public final class Tools {
    private Tools() {
    }

    public static boolean requireAll() {
        return Boolean.getBoolean("nagare.requireAll");
    }

    /** Returns the first existing executable among {@code candidates}, or skips/fails the test. */
    public static Path require(String tool, String installHint, String... candidates) {
        for (String c : candidates) {
            Path p = Path.of(c);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        String reason = "MISSING TOOL: " + tool + " not found at " + String.join(" or ", candidates)
                + ". Install it with: " + installHint + " (.ci/run does this).";
        System.err.println("*** " + reason);
        if (requireAll()) {
            Assertions.fail(reason + " Failing because -Dnagare.requireAll=true.");
        }
        Assumptions.abort(reason);
        return null;
    }
}
