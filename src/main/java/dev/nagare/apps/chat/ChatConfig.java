package dev.nagare.apps.chat;

import java.time.Duration;

/**
 * Chat limits. {@code messageRate} is per user (all their tabs together), with bursts of twice it;
 * {@code recovery} is how long a dropped client's rooms and missed messages are kept in memory (after
 * that, or after a restart, clients catch up from the stored history instead). {@code roomRate} is
 * how many rooms one user may create per minute (bursts of that many), {@code roomsCreated} how many
 * rooms a user may have made that still exist, and {@code roomIdle} how long a room a user made may
 * stay empty before it is deleted with its history (so the server's room cap cannot be filled for good).
 */
public record ChatConfig(int maxLength, int historySize, double messageRate, int maxRoomsPerUser,
        int maxMembersPerRoom, Duration recovery, double roomRate, int roomsCreated, Duration roomIdle) {

    public static ChatConfig defaults() {
        return new ChatConfig(2000, 50, 5, 20, 5000, Duration.ofMinutes(2), 5, 10, Duration.ofMinutes(10));
    }
}
