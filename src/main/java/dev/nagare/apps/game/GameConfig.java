package dev.nagare.apps.game;

import java.time.Duration;

/**
 * The game's knobs: {@code tickHz} simulation steps per second, at most {@code maxPlayers} per match,
 * {@code bots} (server-side players that keep a match lively while fewer people play), and how long a
 * disconnected player's avatar waits for them ({@code grace}).
 */
public record GameConfig(int tickHz, int maxPlayers, int bots, Duration grace) {

    public static GameConfig defaults() {
        return new GameConfig(30, 16, 3, Duration.ofSeconds(15));
    }
}
