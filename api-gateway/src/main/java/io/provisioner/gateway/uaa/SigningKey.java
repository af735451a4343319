package io.provisioner.gateway.uaa;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;

/**
 * The issuer's RSA key. Kept in a PEM file when one is configured, so tokens survive a restart of the
 * local run; otherwise made fresh at start.
 */
public final class SigningKey {

    public static final String KEY_ID = "key-1";

    private final RSAPublicKey publicKey;
    private final RSAPrivateCrtKey privateKey;

    private SigningKey(RSAPublicKey publicKey, RSAPrivateCrtKey privateKey) {
        this.publicKey = publicKey;
        this.privateKey = privateKey;
    }

    public static SigningKey load(Path file) {
        try {
            if (file != null && Files.exists(file)) {
                return fromPem(Files.readString(file, StandardCharsets.US_ASCII));
            }
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            SigningKey key = new SigningKey((RSAPublicKey) pair.getPublic(), (RSAPrivateCrtKey) pair.getPrivate());
            if (file != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
                Files.writeString(file, key.privatePem(), StandardCharsets.US_ASCII);
            }
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the token signing key in " + file, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make an RSA key", e);
        }
    }

    private static SigningKey fromPem(String pem) throws GeneralSecurityException {
        String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        KeyFactory rsa = KeyFactory.getInstance("RSA");
        RSAPrivateCrtKey privateKey = (RSAPrivateCrtKey) rsa.generatePrivate(
                new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
        RSAPublicKey publicKey = (RSAPublicKey) rsa.generatePublic(
                new RSAPublicKeySpec(privateKey.getModulus(), privateKey.getPublicExponent()));
        return new SigningKey(publicKey, privateKey);
    }

    private String privatePem() {
        return "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(privateKey.getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }

    /** The public key as UAA's {@code token_keys} {@code value}: a PEM. */
    public String publicPem() {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(publicKey.getEncoded())
                + "\n-----END PUBLIC KEY-----";
    }

    public RSAPublicKey publicKey() {
        return publicKey;
    }

    public RSAPrivateCrtKey privateKey() {
        return privateKey;
    }
}
