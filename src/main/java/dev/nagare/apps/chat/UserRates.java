package dev.nagare.apps.chat;

import dev.nagare.auth.KeyedRates;

/** The chat's message rate per user, shared by all of the user's sockets and namespaces. Event-loop only. */
final class UserRates {
    private final KeyedRates rates;

    UserRates(double perSecond) {
        this.rates = new KeyedRates(perSecond);
    }

    void share(dev.nagare.auth.RateSharing sharing) {
        sharing.share("chat.messages", rates);
    }

    /** Takes one message's worth from {@code user}'s bucket; refuses when it is empty. */
    void take(String user) {
        if (!rates.tryTake(user)) {
            throw new ChatRefusal("rate_limited", "Slow down: " + rates.describe("messages") + ".");
        }
    }
}
