package dev.nagare.auth.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.nagare.auth.CredentialRefused;
import dev.nagare.auth.Principal;
import dev.nagare.auth.Role;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The claims a verified token maps to: who it is, what it may do, when its login ends. */
class JwtVerifierTest {
    static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);

    private static JwtVerifier verifier(String nameClaim, String rightsClaim, String adminScope) {
        JwtConfig config = new JwtConfig(SECRET, List.of(), null, Duration.ofMinutes(5), TokenMint.ISSUER,
                TokenMint.AUDIENCE, rightsClaim, nameClaim, adminScope, Duration.ofSeconds(30));
        return new JwtVerifier(config, new JwtKeys(config));
    }

    private static String token(JWTClaimsSet.Builder claims) {
        return TokenMint.sign(claims.build(), JWSAlgorithm.HS256, SECRET);
    }

    @Test
    void rightsComeFromAStringOrAnArrayAndOnlyRightsCount() {
        JwtVerifier v = verifier("sub", "scope", null);
        Principal fromString = v.verify(token(TokenMint.claims("ann", "openid, join:chat/general publish:chat/general *",
                Duration.ofMinutes(5))));
        assertThat(fromString.grants()).containsExactlyInAnyOrder("join:chat/general", "publish:chat/general");
        assertThat(fromString.may("publish", "chat/general")).isTrue();
        assertThat(fromString.may("publish", "chat/random")).isFalse(); // not a user's default here
        assertThat(fromString.may("join", "video/default")).isFalse();

        JwtVerifier array = verifier("email", "permissions", null);
        Principal fromArray = array.verify(token(TokenMint.claims("ann", null, Duration.ofMinutes(5))
                .claim("email", "ann@example.com").claim("permissions", List.of("join:video/*", "profile", 7))));
        assertThat(fromArray.username()).isEqualTo("jwt:ann@example.com");
        assertThat(fromArray.grants()).containsExactly("join:video/*");
        assertThat(fromArray.may("join", "video/cam1")).isTrue();

        Principal none = v.verify(token(TokenMint.claims("ann", null, Duration.ofMinutes(5))));
        assertThat(none.may("join", "chat/general")).isFalse(); // no claim: no rights at all
    }

    @Test
    void theNameIsNamespacedWithANegativeIdAndTheAdminScopeAloneMakesAnAdmin() {
        JwtVerifier v = verifier("sub", "scope", "nagare:admin");
        Principal admin = v.verify(token(TokenMint.claims("admin", "nagare:admin", Duration.ofMinutes(5))));
        assertThat(admin.username()).isEqualTo("jwt:admin");
        assertThat(admin.role()).isEqualTo(Role.ADMIN);
        assertThat(admin.userId()).isNegative().isEqualTo(JwtVerifier.userId("jwt:admin"));
        Principal user = v.verify(token(TokenMint.claims("admin", "join:*", Duration.ofMinutes(5))));
        assertThat(user.role()).isEqualTo(Role.USER);
        assertThat(verifier("sub", "scope", null).verify(token(TokenMint.claims("x", "nagare:admin", Duration.ofMinutes(5))))
                .role()).isEqualTo(Role.USER); // no --jwt-admin-scope: never an admin
    }

    @Test
    void aNameClaimThatIsNotAPlainNameIsRefused() {
        JwtVerifier v = verifier("sub", "scope", null);
        for (String bad : new String[] {"", "ann smith", "ann\nadmin", "x".repeat(129)}) {
            assertThatThrownBy(() -> v.verify(token(TokenMint.claims(bad, "join:*", Duration.ofMinutes(5)))))
                    .as(bad).isInstanceOf(CredentialRefused.class)
                    .hasMessage("the claim 'sub' must be a name of 1 to 128 printable ASCII characters without spaces");
        }
    }

    @Test
    void theCredentialCarriesTheDeadlineExpPlusTheSkew() {
        JWTClaimsSet.Builder c = TokenMint.claims("ann", "join:*", Duration.ofMinutes(5));
        long exp = c.build().getExpirationTime().getTime() / 1000;
        Principal p = verifier("sub", "scope", null).verify(token(c));
        assertThat(p.credential()).startsWith("jwt:" + (exp + 30) + ":");
        assertThat(JwtVerifier.deadlineMillis(p.credential())).isEqualTo((exp + 30) * 1000);
        assertThat(JwtVerifier.deadlineMillis("token:abc")).isEqualTo(-1);
        assertThat(p.login()).isEqualTo("jwt-user:" + p.userId()); // a refreshed token of the same user is the same login
    }

    @Test
    void accessTokensTypedAtJwtAreAcceptedOtherTypesAreNot() {
        JwtVerifier v = verifier("sub", "scope", null);
        JWTClaimsSet c = TokenMint.claims("ann", "join:*", Duration.ofMinutes(5)).build();
        for (String typ : new String[] {"at+jwt", "JWT"}) {
            String token = TokenMint.sign(c, new JWSHeader.Builder(JWSAlgorithm.HS256).type(new JOSEObjectType(typ)).build(), SECRET);
            assertThat(v.verify(token).username()).as(typ).isEqualTo("jwt:ann");
        }
        String logout = TokenMint.sign(c, new JWSHeader.Builder(JWSAlgorithm.HS256).type(new JOSEObjectType("logout+jwt")).build(), SECRET);
        assertThatThrownBy(() -> v.verify(logout)).isInstanceOf(CredentialRefused.class).hasMessageContaining("logout+jwt");
    }

    @Test
    void onlyJwtShapedTokensAreLookedAt() {
        assertThat(JwtVerifier.looksLikeJwt("ngr_abcdef")).isFalse();
        assertThat(JwtVerifier.looksLikeJwt("a.b.c")).isTrue();
        assertThat(JwtVerifier.looksLikeJwt("a.b.")).isTrue(); // alg none's empty signature: looked at, then refused
        assertThat(JwtVerifier.looksLikeJwt("a.b.c.d.e")).isFalse(); // a JWE: not accepted
        assertThat(JwtVerifier.looksLikeJwt("a".repeat(8190) + ".b.c")).isFalse();
    }
}
