package dev.nagare.auth;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The store's counter of changes that end logins ({@code auth_changes.epoch}). Bumped in the same
 * transaction as the change, read every second by {@link RevocationCheck}: so a change made by another
 * node or by a command on the same store ends live sockets and streams here within about a second,
 * on SQLite and PostgreSQL alike.
 */
final class AuthChanges {
    private AuthChanges() {
    }

    static void bump(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE auth_changes SET epoch = epoch + 1 WHERE id = 1")) {
            ps.executeUpdate();
        }
    }

    static long read(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT epoch FROM auth_changes WHERE id = 1");
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }
}
