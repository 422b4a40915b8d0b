package dev.ivbot.security.internal;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads public keys from PEM ({@code -----BEGIN PUBLIC KEY-----}, X.509 SubjectPublicKeyInfo). */
public final class PemKeys {

    /** Smallest RSA modulus accepted. */
    public static final int MIN_RSA_BITS = 2048;

    private static final BigInteger P256_ORDER =
            new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\\s]+)-----END PUBLIC KEY-----");

    private PemKeys() {}

    /** An RSA public key of at least {@value #MIN_RSA_BITS} bits. */
    public static RSAPublicKey rsa(String pem, String parameter) {
        RSAPublicKey key = (RSAPublicKey) read(pem, "RSA", parameter);
        if (key.getModulus().bitLength() < MIN_RSA_BITS) {
            throw new IllegalArgumentException(parameter + " is a " + key.getModulus().bitLength()
                    + "-bit RSA key; at least " + MIN_RSA_BITS + " bits are required");
        }
        return key;
    }

    /** An EC public key on the P-256 curve (the one ES256 uses). */
    public static ECPublicKey p256(String pem, String parameter) {
        ECPublicKey key = (ECPublicKey) read(pem, "EC", parameter);
        if (!P256_ORDER.equals(key.getParams().getOrder())) {
            throw new IllegalArgumentException(parameter + " is not on the P-256 curve, which ES256 needs");
        }
        return key;
    }

    private static Object read(String pem, String algorithm, String parameter) {
        if (pem == null) {
            throw new NullPointerException(parameter);
        }
        Matcher m = PEM.matcher(pem);
        if (!m.find()) {
            throw new IllegalArgumentException(parameter + " must be a PEM public key (-----BEGIN PUBLIC KEY-----)");
        }
        try {
            byte[] der = Base64.getMimeDecoder().decode(m.group(1));
            return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException(parameter + " is not a valid " + algorithm + " public key", e);
        }
    }
}
