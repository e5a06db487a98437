package dev.nagare.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordHasherTest {
    private final PasswordHasher hasher = new PasswordHasher();

    @Test
    void hashesAreArgon2idAtOwaspParametersWithARandomSalt() {
        String a = hasher.hash("correct horse battery");
        String b = hasher.hash("correct horse battery");
        assertThat(a).startsWith("$argon2id$v=19$m=19456,t=2,p=1$").isNotEqualTo(b);
        assertThat(hasher.verify("correct horse battery", a)).isTrue();
        assertThat(hasher.verify("correct horse battery", b)).isTrue();
        assertThat(hasher.needsRehash(a)).isFalse();
    }

    @Test
    void wrongPasswordsAndMalformedHashesDoNotVerify() {
        String h = hasher.hash("correct horse battery");
        assertThat(hasher.verify("correct horse batterY", h)).isFalse();
        assertThat(hasher.verify("x", null)).isFalse();
        assertThat(hasher.verify("x", "$2a$10$bcrypt-not-argon")).isFalse();
        assertThat(hasher.verify("x", "$argon2id$v=19$m=99999999,t=2,p=1$AAAA$AAAA")).isFalse(); // absurd memory
        assertThat(hasher.verify("x", h.replace("t=2", "t=zz"))).isFalse();
    }

    @Test
    void theVerifierReadsTheParametersFromTheHash() {
        PasswordHasher light = new PasswordHasher(1024, 1, 1);
        String h = light.hash("correct horse battery");
        assertThat(hasher.verify("correct horse battery", h)).isTrue();
        assertThat(hasher.needsRehash(h)).isTrue();
    }

    @Test
    void anUnmatchableHashCostsAFullVerificationAndMatchesNothing() {
        String h = hasher.unmatchable();
        assertThat(h).startsWith("$argon2id$v=19$m=19456,t=2,p=1$").isNotEqualTo(hasher.unmatchable());
        assertThat(hasher.needsRehash(h)).isFalse(); // same parameters as a real hash: the same cost
        long before = hasher.verifications();
        assertThat(hasher.verify("", h)).isFalse();
        assertThat(hasher.verify("correct horse battery", h)).isFalse();
        assertThat(hasher.verifications() - before).isEqualTo(2);
    }
}
