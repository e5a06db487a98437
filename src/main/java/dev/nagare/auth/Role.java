package dev.nagare.auth;

import java.util.Locale;

/** What a principal may do by default: admins everything, users their own things, guests read-only. */
public enum Role {
    ADMIN, USER, GUEST;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role for {@code admin|user|guest}, or null. */
    public static Role parse(String s) {
        if (s == null) {
            return null;
        }
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "admin" -> ADMIN;
            case "user" -> USER;
            case "guest" -> GUEST;
            default -> null;
        };
    }
}
