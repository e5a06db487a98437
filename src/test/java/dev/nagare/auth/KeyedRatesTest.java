package dev.nagare.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A bucket per key: a burst of twice the rate, then refusals; keys do not share. */
class KeyedRatesTest {

    @Test
    void aKeyGetsABurstOfTwiceTheRateThenIsRefusedWhileOtherKeysAreNot() {
        // At 0.5 per second a token takes 2 s to come back: far longer than this test's few calls.
        KeyedRates rates = new KeyedRates(0.5);
        assertThat(rates.tryTake("alice")).isTrue();
        assertThat(rates.tryTake("alice")).isFalse();
        assertThat(rates.tryTake("bob")).isTrue();
        assertThat(rates.describe("messages")).isEqualTo("at most 0.5 messages per second (bursts of 1)");
        assertThat(new KeyedRates(5).describe("publishes")).isEqualTo("at most 5 publishes per second (bursts of 10)");
    }
}
