package dev.nagare.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClientAddressTest {
    private final ClientAddress addresses = new ClientAddress(Set.of("10.0.0.1", "10.0.0.2"));

    @Test
    void forwardedForIsIgnoredUnlessTheConnectionComesFromATrustedProxy() {
        assertThat(addresses.resolve("203.0.113.9", List.of("1.2.3.4"))).isEqualTo("203.0.113.9");
        assertThat(addresses.resolve("10.0.0.1", List.of())).isEqualTo("10.0.0.1");
    }

    @Test
    void theRightmostUntrustedHopIsTheClientSoASpoofedLeftEntryDoesNotHelp() {
        // the client sent "X-Forwarded-For: 6.6.6.6" itself; the proxy appended the real address
        assertThat(addresses.resolve("10.0.0.1", List.of("6.6.6.6, 198.51.100.7"))).isEqualTo("198.51.100.7");
        // two proxies in a row
        assertThat(addresses.resolve("10.0.0.2", List.of("198.51.100.7, 10.0.0.1"))).isEqualTo("198.51.100.7");
        // garbage stops the walk at the last trustworthy address
        assertThat(addresses.resolve("10.0.0.1", List.of("<script>"))).isEqualTo("10.0.0.1");
    }
}
