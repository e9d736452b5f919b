package dev.pipewright.ops.tls;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the PEM files of {@code tls.*}: certificates, a PKCS#8 private key. */
final class Pem {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");
  private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519");

  private Pem() {}

  /**
   * Every certificate of {@code pem}, in file order.
   *
   * @throws IllegalArgumentException when there is none or one is unreadable
   */
  static List<X509Certificate> certificates(byte[] pem) {
    try {
      List<X509Certificate> certs =
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(pem))
              .stream()
              .map(X509Certificate.class::cast)
              .toList();
      if (certs.isEmpty()) {
        throw new IllegalArgumentException("no PEM certificate (BEGIN CERTIFICATE) in it");
      }
      return certs;
    } catch (CertificateException e) {
      throw new IllegalArgumentException("not PEM certificates: " + e.getMessage(), e);
    }
  }

  /**
   * The key of an unencrypted PKCS#8 block ({@code BEGIN PRIVATE KEY}): RSA, EC or Ed25519.
   *
   * @throws IllegalArgumentException saying how to convert the other PEM key formats
   */
  static PrivateKey privateKey(byte[] pem) {
    Matcher m = BLOCK.matcher(new String(pem, StandardCharsets.US_ASCII));
    while (m.find()) {
      String type = m.group(1);
      if (type.equals("PRIVATE KEY")) {
        return pkcs8(Base64.getMimeDecoder().decode(m.group(2)));
      }
      if (type.endsWith("PRIVATE KEY")) {
        throw new IllegalArgumentException(
            "a '"
                + type
                + "' block; expected an unencrypted PKCS#8 key (BEGIN PRIVATE KEY): convert it"
                + " with 'openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8' (cert-manager:"
                + " privateKey.encoding: PKCS8)");
      }
    }
    throw new IllegalArgumentException("no PEM private key (BEGIN PRIVATE KEY) in it");
  }

  private static PrivateKey pkcs8(byte[] der) {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : KEY_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (InvalidKeySpecException | NoSuchAlgorithmException e) {
        // not this algorithm: try the next
      }
    }
    throw new IllegalArgumentException("a PKCS#8 key of no supported algorithm (RSA, EC, Ed25519)");
  }

  /**
   * Whether {@code key} is the private half of {@code publicKey}: a signature made with one
   * verifies with the other. Catches a certificate renewed before its key (or the reverse).
   */
  static boolean pair(PrivateKey key, PublicKey publicKey) {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          default -> key.getAlgorithm();
        };
    try {
      byte[] probe = new byte[32];
      new SecureRandom().nextBytes(probe);
      Signature sign = Signature.getInstance(algorithm);
      sign.initSign(key);
      sign.update(probe);
      byte[] signature = sign.sign();
      Signature verify = Signature.getInstance(algorithm);
      verify.initVerify(publicKey);
      verify.update(probe);
      return verify.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
