package dev.nagare.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordPolicyTest {
    @Test
    void shortCommonAndUsernameBasedPasswordsAreRefusedWithAReason() {
        assertThat(PasswordPolicy.problem("short", "alice")).hasValue("Password must be at least 8 characters.");
        assertThat(PasswordPolicy.problem("Password123", "alice").orElseThrow()).startsWith("This password is too common");
        assertThat(PasswordPolicy.problem("qwertyuiop", "alice").orElseThrow())
                .isEqualTo("This password is too common: it is on a list of passwords leaked in data breaches,"
                        + " which attackers try first. Choose another.");
        assertThat(PasswordPolicy.problem("alice-rocks-99", "alice")).hasValue("Password must not contain the user name.");
        assertThat(PasswordPolicy.problem("x".repeat(129), "alice")).hasValue("Password must be at most 128 characters.");
    }

    @Test
    void theBreachListIsTheRealOneWithTensOfThousandsOfEntries() {
        assertThat(PasswordPolicy.load()).isGreaterThan(45_000);
        // from deep in the zxcvbn list, not only its top
        assertThat(PasswordPolicy.problem("trustno1", null).orElseThrow()).contains("leaked in data breaches");
        assertThat(PasswordPolicy.problem("bulldogs", null).orElseThrow()).contains("leaked in data breaches");
        assertThat(PasswordPolicy.problem("sunflower", null).orElseThrow()).contains("leaked in data breaches");
    }

    @Test
    void theReportedWeakPasswordsAreAllRefusedAndSayWhy() {
        assertThat(PasswordPolicy.problem("        ", "alice")).hasValue(
                "Password must not be only spaces: use words or other characters too.");
        assertThat(PasswordPolicy.problem(" \t \u3000    ", "alice").orElseThrow()).contains("only spaces");
        for (String weak : new String[] {"Pa$$w0rd", "Summer2024", "Welcome1!"}) {
            assertThat(PasswordPolicy.problem(weak, "alice")).as(weak).hasValueSatisfying(m -> assertThat(m)
                    .startsWith("This password is too common:").endsWith("Choose another."));
        }
        // "pa$$w0rd" is itself in the breach list; the other two are caught as variants, and say so.
        assertThat(PasswordPolicy.problem("Summer2024", "alice")).hasValue("This password is too common: it is a"
                + " leaked password with look-alike characters (such as $ for s or 0 for o) or digits and symbols"
                + " added at an end, which attackers try early. Choose another.");
        assertThat(PasswordPolicy.problem("Welcome1!", "alice").orElseThrow()).contains("added at an end");
        assertThat(PasswordPolicy.problem("Pa$$w0rd-77", "alice").orElseThrow()).contains("look-alike characters");
    }

    @Test
    void commonLeetAndSuffixVariantsAreRefused() {
        for (String weak : new String[] {"P@ssw0rd!", "p4ssw0rd", "$ummer2024", "2024summer", "Dr4g0n123", "Iloveyou!!",
                "L3tm31n99", "monkey_1234", "Sunshine.2023", "!!qwerty!!"}) {
            assertThat(PasswordPolicy.problem(weak, "alice")).as(weak).isPresent();
        }
        assertThat(PasswordPolicy.variants("pa$$w0rd")).contains("password");
        assertThat(PasswordPolicy.variants("welcome1!")).contains("welcome");
        assertThat(PasswordPolicy.variants("summer2024")).contains("summer");
    }

    @Test
    void aRepeatedSingleCharacterIsRefused() {
        assertThat(PasswordPolicy.problem("zzzzzzzzzzzz", "alice")).hasValue(
                "Password must not be one character repeated: such passwords are guessed first.");
    }

    @Test
    void aLongUncommonPasswordIsAccepted() {
        assertThat(PasswordPolicy.problem("river stone lantern", "alice")).isEmpty();
        assertThat(PasswordPolicy.problem("river stone lantern 2", "alice")).isEmpty();
        assertThat(PasswordPolicy.problem("velvet thunder orchard", "alice")).isEmpty();
        assertThat(PasswordPolicy.problem("mountain cloud river", "alice")).isEmpty();
        assertThat(PasswordPolicy.problem("x7#Kq2!vLp9z", "alice")).isEmpty();
        assertThat(PasswordPolicy.problem("流れる川の石灯籠", "alice")).isEmpty(); // 8 code points
        assertThat(PasswordPolicy.problem("  spaced  words  ", "alice")).isEmpty(); // spaces are fine with words
    }
}
