package dev.nagare.auth;

/**
 * Where per-user rate limits ({@link KeyedRates}) meet those of the other nodes of a cluster: a
 * limiter shared under a name tells the others what it let through, and takes what they let
 * through for the same key, so one user spread over several nodes gets the rate of one node.
 * {@link #NONE} on a single node.
 */
public interface RateSharing {
    RateSharing NONE = (name, rates) -> { };

    /**
     * Shares {@code rates} under {@code name} (the same name on every node, e.g. "chat.messages").
     * Call it on the thread that uses {@code rates}: what other nodes took is applied there.
     */
    void share(String name, KeyedRates rates);
}
