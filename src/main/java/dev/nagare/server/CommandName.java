package dev.nagare.server;

/**
 * How the server's hints spell the command that runs it ("Change it with: ... user passwd admin"):
 * {@code java -jar target/nagare.jar} from a checkout, the launcher's own path in the release archive
 * (its {@code bin/nagare} passes {@code -Dnagare.command}).
 */
public final class CommandName {
    private static final String DEFAULT = "java -jar target/nagare.jar";

    private CommandName() {
    }

    public static String get() {
        String name = System.getProperty("nagare.command");
        return name == null || name.isBlank() ? DEFAULT : name;
    }
}
