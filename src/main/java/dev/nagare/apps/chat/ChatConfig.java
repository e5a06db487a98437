package dev.nagare.apps.chat;

import java.time.Duration;

/**
 * Chat limits. {@code messageRate} is per user (all their tabs together), with bursts of twice it;
 * {@code recovery} is how long a dropped client's rooms and missed messages are kept in memory (after
 * that, or after a restart, clients catch up from the stored history instead).
 */
public record ChatConfig(int maxLength, int historySize, double messageRate, int maxRoomsPerUser,
        int maxMembersPerRoom, Duration recovery) {

    public static ChatConfig defaults() {
        return new ChatConfig(2000, 50, 5, 20, 5000, Duration.ofMinutes(2));
    }
}
