package dev.nagare.server;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --tls-self-signed}: a development certificate for localhost and 127.0.0.1 (EC P-256, one
 * year), made once and kept in {@code <data-dir>/tls/} so browsers that accepted it keep accepting it.
 */
final class DevCertificate {
    private static final Logger LOG = LoggerFactory.getLogger(DevCertificate.class);

    record PemFiles(Path cert, Path key) {
    }

    private DevCertificate() {
    }

    /** The certificate and key paths under the data dir, generated if absent or expired. */
    static PemFiles ensure(Path dataDir) throws IOException {
        Path dir = dataDir.resolve("tls");
        Path cert = dir.resolve("self-signed-cert.pem");
        Path key = dir.resolve("self-signed-key.pem");
        if (Files.exists(cert) && Files.exists(key)
                && Files.getLastModifiedTime(cert).toInstant().isAfter(Instant.now().minus(Duration.ofDays(300)))) {
            return new PemFiles(cert, key);
        }
        Files.createDirectories(dir);
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
            gen.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair pair = gen.generateKeyPair();
            Instant now = Instant.now();
            X500Name subject = new X500Name("CN=localhost, O=Nagare development certificate");
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                    new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofDays(1))),
                    Date.from(now.plus(Duration.ofDays(365))), subject, pair.getPublic());
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, InetAddress.getLoopbackAddress().getHostAddress()),
                new GeneralName(GeneralName.iPAddress, "::1")}));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            X509CertificateHolder holder = builder.build(new JcaContentSignerBuilder("SHA256withECDSA")
                    .build(pair.getPrivate()));
            writeAtomically(cert, pem(holder), false);
            // PKCS#8 ("BEGIN PRIVATE KEY"), the form every PEM reader accepts.
            writeAtomically(key, pem(new JcaPKCS8Generator(pair.getPrivate(), null).generate()), true);
            LOG.warn("Generated a self-signed development certificate in {}; browsers will warn about it."
                    + " Use --tls-cert/--tls-key with a real certificate in production.", dir);
            return new PemFiles(cert, key);
        } catch (java.security.GeneralSecurityException | OperatorCreationException
                | org.bouncycastle.util.io.pem.PemGenerationException e) {
            throw new IOException("cannot generate a self-signed certificate: " + e.getMessage(), e);
        }
    }

    private static String pem(Object o) throws IOException {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
            pw.writeObject(o);
        }
        return w.toString();
    }

    private static void writeAtomically(Path target, String content, boolean secret) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), ".tmp", ".pem");
        Files.writeString(tmp, content);
        if (secret) {
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system (Windows): the data dir's own permissions apply
            }
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
