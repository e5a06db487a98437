package dev.nagare.auth;

/** A stored account, without its password hash. */
public record Account(long id, String username, Role role, long createdAt) {
}
