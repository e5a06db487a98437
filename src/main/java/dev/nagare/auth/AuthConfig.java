package dev.nagare.auth;

import java.time.Duration;

/**
 * @param registrationOpen whether anyone may create an account at /register
 * @param guests whether unauthenticated clients get a guest principal instead of a refusal
 * @param secureCookies mark cookies Secure (set when TLS is on)
 */
public record AuthConfig(
        boolean registrationOpen,
        boolean guests,
        boolean secureCookies,
        Duration sessionIdle,
        Duration sessionAbsolute,
        Duration tokenTtl,
        int freeLoginAttempts,
        ClientAddress clientAddress) {

    public static AuthConfig defaults() {
        return new AuthConfig(false, false, false, Duration.ofMinutes(30), Duration.ofHours(12),
                Duration.ofHours(1), 5, new ClientAddress(java.util.Set.of()));
    }
}
