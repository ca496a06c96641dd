package dev.doco.examples.cli;

import dev.doco.core.spi.Descriptor;
import dev.doco.oci.layout.OciLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Map;

/**
 * Signs a manifest in an OCI image layout the way {@code cosign sign --key} does ("classic"
 * simple-signing): an ECDSA P-256 signature over the simple-signing payload, stored as a manifest
 * tagged {@code sha256-<hex>.sig} whose one layer is the payload, annotated with the base64
 * signature. Used by {@code doco quickstart}, which needs no cosign binary and no registry.
 */
final class CosignLayoutSigner {
  static final String SIMPLE_SIGNING = "application/vnd.dev.cosign.simplesigning.v1+json";
  static final String SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature";

  private final KeyPair keys;

  private CosignLayoutSigner(KeyPair keys) {
    this.keys = keys;
  }

  /** A signer with a freshly generated P-256 key pair (kept in memory only). */
  static CosignLayoutSigner generate() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return new CosignLayoutSigner(g.generateKeyPair());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM cannot generate EC P-256 keys", e);
    }
  }

  /** The public key as PEM, as {@code cosign.pub} and the trust policy's {@code public_keys}. */
  String publicKeyPem() {
    String b64 =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(keys.getPublic().getEncoded());
    return "-----BEGIN PUBLIC KEY-----\n" + b64 + "\n-----END PUBLIC KEY-----\n";
  }

  /**
   * Signs {@code manifestDigest} of {@code repository} inside {@code layout}.
   *
   * @return the digest of the signature manifest
   */
  String sign(OciLayout layout, String repository, String manifestDigest)
      throws IOException, GeneralSecurityException {
    String payload =
        "{\"critical\":{\"identity\":{\"docker-reference\":\""
            + repository
            + "\"},\"image\":{\"docker-manifest-digest\":\""
            + manifestDigest
            + "\"},\"type\":\"cosign container image signature\"},\"optional\":null}";
    byte[] payloadBytes = payload.getBytes(StandardCharsets.UTF_8);
    Signature ecdsa = Signature.getInstance("SHA256withECDSA");
    ecdsa.initSign(keys.getPrivate());
    ecdsa.update(payloadBytes);
    String signature = Base64.getEncoder().encodeToString(ecdsa.sign());

    String payloadDigest = layout.putBlob(payloadBytes);
    byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
    String configDigest = layout.putBlob(config);
    String manifest =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
            + configDigest
            + "\",\"size\":"
            + config.length
            + "},\"layers\":[{\"mediaType\":\""
            + SIMPLE_SIGNING
            + "\",\"digest\":\""
            + payloadDigest
            + "\",\"size\":"
            + payloadBytes.length
            + ",\"annotations\":{\""
            + SIGNATURE_ANNOTATION
            + "\":\""
            + signature
            + "\"}}]}";
    byte[] manifestBytes = manifest.getBytes(StandardCharsets.UTF_8);
    String digest = layout.putBlob(manifestBytes);
    layout.tag(
        new Descriptor(
            "application/vnd.oci.image.manifest.v1+json",
            digest,
            manifestBytes.length,
            null,
            Map.of()),
        manifestDigest.replace(':', '-') + ".sig");
    return digest;
  }
}
