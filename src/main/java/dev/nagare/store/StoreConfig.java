package dev.nagare.store;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Which store to open. {@code sqlite} (the default) is {@code nagare.db} under the data directory;
 * {@code postgres://USER@HOST[:PORT]/DATABASE[?sslmode=...]} is a PostgreSQL server, its password given
 * apart (environment or file), never in the URL of a command line.
 *
 * @param password the PostgreSQL user's password (never printed)
 * @param poolSize PostgreSQL connections (and store worker threads); SQLite always uses one
 */
public record StoreConfig(Kind kind, Path dataDir, String jdbcUrl, String user, String password, int poolSize) {

    public enum Kind { SQLITE, POSTGRES }

    public static StoreConfig sqlite(Path dataDir) {
        return new StoreConfig(Kind.SQLITE, dataDir, null, null, null, 1);
    }

    /**
     * Parses {@code --store}. {@code password} is used when the URL has none.
     *
     * @throws IllegalArgumentException with a reason a user can act on
     */
    public static StoreConfig parse(String url, Path dataDir, String password, int poolSize) {
        if (url == null || url.isBlank() || url.equalsIgnoreCase("sqlite")) {
            // The password is kept, unused, for commands that open a PostgreSQL store named elsewhere.
            return new StoreConfig(Kind.SQLITE, dataDir, null, null, password, poolSize);
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("postgres") && !scheme.equals("postgresql")) {
            throw new IllegalArgumentException("use 'sqlite' or postgres://USER@HOST:PORT/DATABASE");
        }
        if (uri.getHost() == null || uri.getPath() == null || uri.getPath().length() < 2) {
            throw new IllegalArgumentException("a PostgreSQL URL needs a host and a database, as in"
                    + " postgres://nagare@localhost:5432/nagare");
        }
        String user = null;
        String inUrl = null;
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            user = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
            inUrl = parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : null;
        }
        if (user == null || user.isEmpty()) {
            throw new IllegalArgumentException("a PostgreSQL URL needs a user, as in postgres://nagare@localhost/nagare");
        }
        String jdbc = "jdbc:postgresql://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "")
                + uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        return new StoreConfig(Kind.POSTGRES, dataDir, jdbc, user, inUrl != null ? inUrl : password, poolSize);
    }

    /** Where the store is, without the password. */
    public String describe() {
        return kind == Kind.SQLITE ? dataDir.resolve(SqliteStore.FILE_NAME).toString()
                : "postgres://" + user + "@" + jdbcUrl.substring("jdbc:postgresql://".length());
    }

    @Override
    public String toString() {
        return "StoreConfig[" + describe() + "]"; // never the password
    }
}
