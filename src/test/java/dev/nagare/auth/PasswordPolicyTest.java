package dev.nagare.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordPolicyTest {
    @Test
    void shortCommonAndUsernameBasedPasswordsAreRefusedWithAReason() {
        assertThat(PasswordPolicy.problem("short", "alice")).hasValue("Password must be at least 8 characters.");
        assertThat(PasswordPolicy.problem("Password123", "alice")).hasValue("This password is too common; choose another.");
        assertThat(PasswordPolicy.problem("qwertyuiop", "alice")).hasValue("This password is too common; choose another.");
        assertThat(PasswordPolicy.problem("alice-rocks-99", "alice")).hasValue("Password must not contain the user name.");
        assertThat(PasswordPolicy.problem("x".repeat(129), "alice")).hasValue("Password must be at most 128 characters.");
    }

    @Test
    void aLongUncommonPasswordIsAccepted() {
        assertThat(PasswordPolicy.problem("river stone lantern", "alice")).isEmpty();
        assertThat(PasswordPolicy.problem("流れる川の石灯籠", "alice")).isEmpty(); // 8 code points
    }
}
