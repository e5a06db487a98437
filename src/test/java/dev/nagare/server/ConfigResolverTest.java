package dev.nagare.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigResolverTest {
    @TempDir
    Path dir;

    @Test
    void defaultsAreLoopbackPort8080AndDataUnderTheWorkingDirectory() {
        ServerConfig c = ConfigResolver.resolve(Map.of(), Map.of());
        assertThat(c.host()).isEqualTo("127.0.0.1");
        assertThat(c.port()).isEqualTo(8080);
        assertThat(c.dataDir()).isEqualTo(Path.of("data").toAbsolutePath());
        assertThat(c.logFormat()).isEqualTo(ServerConfig.LogFormat.TEXT);
        assertThat(c.accessLog()).isFalse();
        assertThat(c.maxBodyBytes()).isEqualTo(1_048_576);
        assertThat(c.idleTimeout()).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void flagsBeatEnvironmentWhichBeatsTheConfigFileWhichBeatsDefaults() throws IOException {
        Path file = yaml("port: 7000\nhost: 0.0.0.0\nlog-format: json\naccess-log: true\n");
        ServerConfig c = ConfigResolver.resolve(
                Map.of(Setting.PORT, "9000", Setting.CONFIG, file.toString()),
                Map.of("NAGARE_PORT", "8000", "NAGARE_HOST", "::1"));
        assertThat(c.port()).isEqualTo(9000);           // flag over env and file
        assertThat(c.host()).isEqualTo("::1");          // env over file
        assertThat(c.logFormat()).isEqualTo(ServerConfig.LogFormat.JSON); // file over default
        assertThat(c.accessLog()).isTrue();
        assertThat(c.idleTimeout()).isEqualTo(Duration.ofSeconds(90));    // default
    }

    @Test
    void theConfigFileCanComeFromTheEnvironment() throws IOException {
        Path file = yaml("data-dir: " + dir.resolve("state") + "\n");
        ServerConfig c = ConfigResolver.resolve(Map.of(), Map.of("NAGARE_CONFIG", file.toString()));
        assertThat(c.dataDir()).isEqualTo(dir.resolve("state"));
    }

    @Test
    void everySettingHasAnEnvironmentVariableNamedAfterIt() {
        assertThat(Setting.DATA_DIR.envVar()).isEqualTo("NAGARE_DATA_DIR");
        assertThat(Setting.PORT.option()).isEqualTo("--port");
        for (Setting s : Setting.values()) {
            assertThat(s.envVar()).matches("NAGARE_[A-Z][A-Z0-9_]*");
        }
    }

    @Test
    void eventLoopsDefaultToOnePerProcessorAndCanBeSetFromAnySource() throws IOException {
        assertThat(ConfigResolver.resolve(Map.of(), Map.of()).eventLoops())
                .isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(ConfigResolver.resolve(Map.of(Setting.EVENT_LOOPS, "1"), Map.of()).eventLoops()).isEqualTo(1);
        assertThat(ConfigResolver.resolve(Map.of(), Map.of("NAGARE_EVENT_LOOPS", "4")).eventLoops()).isEqualTo(4);
        Path file = yaml("event-loops: 3\n");
        assertThat(ConfigResolver.resolve(Map.of(Setting.CONFIG, file.toString()), Map.of()).eventLoops()).isEqualTo(3);
        assertThatThrownBy(() -> ConfigResolver.resolve(Map.of(), Map.of("NAGARE_EVENT_LOOPS", "-2")))
                .hasMessageContaining("event-loops");
    }

    @Test
    void theUpgradeHoldReachesTheEngineAndZeroTurnsItOff() {
        assertThat(ConfigResolver.resolve(Map.of(), Map.of()).engine().upgradeHoldMs()).isEqualTo(50);
        assertThat(ConfigResolver.resolve(Map.of(Setting.UPGRADE_HOLD, "0"), Map.of()).engine().upgradeHoldMs())
                .isZero();
        assertThatThrownBy(() -> ConfigResolver.resolve(Map.of(), Map.of("NAGARE_UPGRADE_HOLD", "5000")))
                .hasMessageContaining("upgrade-hold");
    }

    @Test
    void aBadNumberNamesTheSettingAndWhereItCameFrom() {
        assertThatThrownBy(() -> ConfigResolver.resolve(Map.of(), Map.of("NAGARE_PORT", "eighty")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid value 'eighty' for port (from environment variable NAGARE_PORT): expected a"
                        + " whole number from 0 to 65535.");
        assertThatThrownBy(() -> ConfigResolver.resolve(Map.of(Setting.PORT, "70000"), Map.of()))
                .hasMessage("Invalid value '70000' for port (from --port): expected a whole number from 0 to 65535.");
    }

    @Test
    void aBadEnumOrBooleanIsRejected() {
        assertThatThrownBy(() -> ConfigResolver.resolve(Map.of(Setting.LOG_FORMAT, "xml"), Map.of()))
                .hasMessage("Invalid value 'xml' for log-format (from --log-format): expected text or json.");
        assertThatThrownBy(() -> ConfigResolver.resolve(Map.of(Setting.ACCESS_LOG, "maybe"), Map.of()))
                .hasMessage("Invalid value 'maybe' for access-log (from --access-log): expected true or false.");
    }

    @Test
    void anUnknownKeyInTheConfigFileIsAnErrorThatListsTheKnownKeys() throws IOException {
        Path file = yaml("prot: 9000\n");
        assertThatThrownBy(() -> ConfigResolver.resolve(Map.of(Setting.CONFIG, file.toString()), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("Unknown key 'prot' in config file " + file + ". Known keys: host, port,");
    }

    @Test
    void aConfigFileThatIsNotAMappingOrNotThereIsAnError() throws IOException {
        Path list = yaml("- port\n- host\n");
        assertThatThrownBy(() -> ConfigResolver.resolve(Map.of(Setting.CONFIG, list.toString()), Map.of()))
                .hasMessage("Config file " + list + " must be a YAML mapping of setting names to values.");
        Path missing = dir.resolve("missing.yml");
        assertThatThrownBy(() -> ConfigResolver.resolve(Map.of(Setting.CONFIG, missing.toString()), Map.of()))
                .hasMessageStartingWith("Cannot read config file " + missing + " (from --config)");
    }

    @Test
    void aNestedValueInTheConfigFileIsRejected() throws IOException {
        Path file = yaml("port:\n  value: 1\n");
        assertThatThrownBy(() -> ConfigResolver.resolve(Map.of(Setting.CONFIG, file.toString()), Map.of()))
                .hasMessage("Key 'port' in config file " + file + " must be a single value.");
    }

    @Test
    void tlsOptionsMustComeInWorkablePairs() {
        assertThatThrownBy(() -> ConfigResolver.resolve(Map.of(Setting.TLS_CERT, "cert.pem"), Map.of()))
                .hasMessage("--tls-cert and --tls-key go together: give both, or use --tls-self-signed.");
        assertThatThrownBy(() -> ConfigResolver.resolve(Map.of(Setting.TLS_CERT, "c.pem", Setting.TLS_KEY, "k.pem",
                Setting.TLS_SELF_SIGNED, "true"), Map.of()))
                .hasMessage("Choose either --tls-cert/--tls-key or --tls-self-signed, not both.");
        assertThatThrownBy(() -> ConfigResolver.resolve(Map.of(), Map.of("NAGARE_HTTP_REDIRECT_PORT", "8081")))
                .hasMessageStartingWith("--http-redirect-port (from environment variable NAGARE_HTTP_REDIRECT_PORT)"
                        + " redirects to HTTPS, so it needs TLS");
        assertThat(ConfigResolver.resolve(Map.of(Setting.TLS_SELF_SIGNED, "true"), Map.of()).tls()).isTrue();
    }

    @Test
    void jwtSettingsWithoutAKeyOrAnAudienceOrWithAWeakKeyStopTheStartWithTheirReason() throws IOException {
        assertThat(ConfigResolver.resolve(Map.of(), Map.of()).jwt()).isNull();
        assertThatThrownBy(() -> ConfigResolver.resolve(Map.of(Setting.JWT_ISSUER, "https://idp.example"), Map.of()))
                .hasMessage("--jwt-issuer (from --jwt-issuer) needs a key to check tokens with: set"
                        + " --jwt-hmac-secret-file, --jwt-public-key or --jwt-jwks-url.");
        Path secret = dir.resolve("secret");
        Files.writeString(secret, "0123456789abcdef0123456789abcdef\n");
        assertThatThrownBy(() -> ConfigResolver.resolve(Map.of(Setting.JWT_HMAC_SECRET_FILE, secret.toString()), Map.of()))
                .hasMessageStartingWith("--jwt-audience is required with --jwt-hmac-secret-file");
        Files.writeString(secret, "too short\n");
        assertThatThrownBy(() -> ConfigResolver.resolve(Map.of(Setting.JWT_HMAC_SECRET_FILE, secret.toString(),
                Setting.JWT_AUDIENCE, "nagare"), Map.of()))
                .hasMessageContaining("its first line must hold a secret of at least 32 bytes");
        Path notPem = yaml("just: text\n");
        assertThatThrownBy(() -> ConfigResolver.resolve(Map.of(Setting.JWT_PUBLIC_KEY, notPem.toString(),
                Setting.JWT_AUDIENCE, "nagare"), Map.of()))
                .hasMessageContaining("for jwt-public-key (from --jwt-public-key): no '-----BEGIN PUBLIC KEY-----' block");
        assertThatThrownBy(() -> ConfigResolver.resolve(Map.of(Setting.JWT_JWKS_URL, "file:///etc/passwd",
                Setting.JWT_AUDIENCE, "nagare"), Map.of()))
                .hasMessageContaining("expected an http:// or https:// URL");

        Files.writeString(secret, "0123456789abcdef0123456789abcdef\n");
        ServerConfig ok = ConfigResolver.resolve(Map.of(Setting.JWT_HMAC_SECRET_FILE, secret.toString()),
                Map.of("NAGARE_JWT_AUDIENCE", "nagare"));
        assertThat(ok.jwt().audience()).isEqualTo("nagare");
        assertThat(ok.jwt().nameClaim()).isEqualTo("sub");
        assertThat(ok.jwt().rightsClaim()).isEqualTo("scope");
        assertThat(ok.jwt().adminScope()).isNull();
        assertThat(ok.jwt().toString()).doesNotContain("0123456789abcdef");
    }

    @Test
    void proxyHooksNeedAnHttpUrlAndAKnownFailureMode() {
        assertThat(ConfigResolver.resolve(Map.of(), Map.of()).hooks()).isNull();
        assertThatThrownBy(() -> ConfigResolver.resolve(Map.of(Setting.PROXY_CONNECT_URL, "ftp://hooks.example/c"), Map.of()))
                .hasMessage("Invalid value 'ftp://hooks.example/c' for proxy-connect-url (from --proxy-connect-url): expected"
                        + " an http:// or https:// URL.");
        assertThatThrownBy(() -> ConfigResolver.resolve(Map.of(Setting.PROXY_PUBLISH_URL, "http://hooks.example/p",
                Setting.PROXY_FAILURE, "maybe"), Map.of()))
                .hasMessage("Invalid value 'maybe' for proxy-failure (from --proxy-failure): expected refuse or allow.");
        ServerConfig c = ConfigResolver.resolve(Map.of(Setting.PROXY_PUBLISH_URL, "http://hooks.example/p"),
                Map.of("NAGARE_PROXY_FAILURE", "allow"));
        assertThat(c.hooks().connectUrl()).isNull();
        assertThat(c.hooks().publishUrl()).hasToString("http://hooks.example/p");
        assertThat(c.hooks().failOpen()).isTrue();
        assertThat(c.hooks().timeout()).isEqualTo(Duration.ofSeconds(1));
    }

    private Path yaml(String text) throws IOException {
        Path file = Files.createTempFile(dir, "nagare", ".yml");
        Files.writeString(file, text);
        return file;
    }
}
