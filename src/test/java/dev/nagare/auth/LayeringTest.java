package dev.nagare.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The auth core knows no transport, and the media and SSE modules reach auth only through its HTTP
 * guard (issue 16). Reads the sources: an import, a static import or a fully qualified name in code
 * (comments are ignored) of a forbidden package fails the test, naming the file, line and name.
 */
class LayeringTest {
    private static final Path SOURCES = Path.of("src/main/java");

    @Test
    void theAuthCoreImportsNoWebRouterNoSocketIoAndNoEngine() {
        assertNoUse(List.of("dev/nagare/auth", "dev/nagare/auth/jwt"), false, "io.vertx.ext.web", "dev.nagare.socketio", "dev.nagare.engine");
    }

    @Test
    void theHttpGuardNeedsNoSocketIoAndNoEngine() {
        assertNoUse(List.of("dev/nagare/auth/http"), true, "dev.nagare.socketio", "dev.nagare.engine");
    }

    @Test
    void mediaAndSseReachNeitherSocketIoNorTheEngineNorTheSocketIoGuard() {
        assertNoUse(List.of("dev/nagare/media", "dev/nagare/sse"), true,
                "dev.nagare.socketio", "dev.nagare.engine", "dev.nagare.auth.socketio");
    }

    @Test
    void aForbiddenNameIsFoundInImportsAndCodeButNotInComments() {
        List<String> found = uses("Example.java", """
                package dev.nagare.auth;
                import dev.nagare.socketio.Socket;
                import static dev.nagare.engine.CloseCodes.POLICY;
                // dev.nagare.engine.EngineServer is only mentioned here
                /* and dev.nagare.socketio.Namespace
                   here */ class Example { dev.nagare.socketio.PacketMiddleware m; String s = "x://y"; }
                """, List.of("dev.nagare.socketio", "dev.nagare.engine", "dev.nagare.auth.socketio"));
        assertThat(found).containsExactly(
                "Example.java:2 uses dev.nagare.socketio.Socket",
                "Example.java:3 uses dev.nagare.engine.CloseCodes.POLICY",
                "Example.java:6 uses dev.nagare.socketio.PacketMiddleware");
        assertThat(uses("Guard.java", "import dev.nagare.auth.socketio.SocketIoGuard;",
                List.of("dev.nagare.socketio"))).isEmpty();
    }

    /** {@code dirs}: package directories; {@code subpackages}: whether their sub-packages count too. */
    private static void assertNoUse(List<String> dirs, boolean subpackages, String... forbidden) {
        List<String> violations = new ArrayList<>();
        int files = 0;
        for (String dir : dirs) {
            Path root = SOURCES.resolve(dir);
            assertThat(root).as("source directory (run from the project root)").isDirectory();
            for (Path file : javaFiles(root, subpackages)) {
                files++;
                violations.addAll(uses(SOURCES.relativize(file).toString(), read(file), List.of(forbidden)));
            }
        }
        assertThat(files).as("Java files under " + dirs).isPositive();
        assertThat(violations).as("uses of " + String.join(", ", forbidden) + " in " + dirs).isEmpty();
    }

    private static List<Path> javaFiles(Path root, boolean subpackages) {
        try (Stream<Path> s = subpackages ? Files.walk(root) : Files.list(root)) {
            return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** "file:line uses name" for each qualified name in {@code source}'s code under a forbidden package. */
    static List<String> uses(String file, String source, List<String> forbidden) {
        String code = withoutComments(source);
        List<String> out = new ArrayList<>();
        String[] lines = code.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Matcher m = QUALIFIED.matcher(lines[i]);
            while (m.find()) {
                String name = m.group();
                for (String pkg : forbidden) {
                    if (name.startsWith(pkg + ".")) {
                        out.add(file + ":" + (i + 1) + " uses " + name);
                        break;
                    }
                }
            }
        }
        return out;
    }

    private static final Pattern QUALIFIED = Pattern.compile("(?<![\\w.])[a-z][\\w]*(\\.[\\w*]+)+");

    /** Blanks comments and string literals, keeping line breaks so that line numbers stay right. */
    private static String withoutComments(String s) {
        StringBuilder b = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (s.startsWith("//", i)) {
                while (i < s.length() && s.charAt(i) != '\n') {
                    i++;
                }
            } else if (s.startsWith("/*", i)) {
                int end = s.indexOf("*/", i + 2);
                end = end < 0 ? s.length() : end + 2;
                s.substring(i, end).chars().filter(ch -> ch == '\n').forEach(ch -> b.append('\n'));
                i = end;
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < s.length() && s.charAt(j) != c && s.charAt(j) != '\n') {
                    j += s.charAt(j) == '\\' ? 2 : 1;
                }
                b.append(c).append(c);
                i = Math.min(j + 1, s.length());
            } else {
                b.append(c);
                i++;
            }
        }
        return b.toString();
    }
}
