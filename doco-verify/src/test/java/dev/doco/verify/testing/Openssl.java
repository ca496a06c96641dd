package dev.doco.verify.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.doco.core.testing.Exec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Makes fresh, independent cosign signatures with the openssl CLI, following signing.md section 6
 * (nothing of ours is involved in producing them). Tests using it are skipped when openssl is
 * missing.
 */
public final class Openssl {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private final Path dir;
  private int counter;

  public Openssl(Path dir) {
    this.dir = dir;
    assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/openssl"))
            || Files.isExecutable(Path.of("/usr/local/bin/openssl")),
        "openssl CLI not installed");
  }

  /** Key kinds cosign verifies. */
  public enum KeyType {
    EC_P256,
    EC_P384,
    EC_P521,
    RSA_2048,
    RSA_2048_PSS,
    ED25519
  }

  /** A key pair on disk. */
  public record KeyPair(KeyType type, Path privateKey, String publicPem) {}

  private Result run(String... argv) {
    Exec.Result r = Exec.run(TIMEOUT, dir, Map.of(), List.of(argv));
    if (r.exitCode() != 0) {
      throw new AssertionError(r.describe());
    }
    return new Result(r.stdout());
  }

  private record Result(String stdout) {}

  private Path file(String name) {
    return dir.resolve((counter++) + "-" + name);
  }

  public KeyPair generate(KeyType type) {
    Path key = file("key.pem");
    Path pub = file("pub.pem");
    List<String> argv = new ArrayList<>(List.of("openssl", "genpkey"));
    switch (type) {
      case EC_P256 ->
          argv.addAll(List.of("-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"));
      case EC_P384 ->
          argv.addAll(List.of("-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"));
      case EC_P521 ->
          argv.addAll(List.of("-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-521"));
      case RSA_2048, RSA_2048_PSS ->
          argv.addAll(List.of("-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"));
      case ED25519 -> argv.addAll(List.of("-algorithm", "ED25519"));
    }
    argv.addAll(List.of("-out", key.toString()));
    run(argv.toArray(String[]::new));
    run("openssl", "pkey", "-in", key.toString(), "-pubout", "-out", pub.toString());
    return new KeyPair(type, key, read(pub));
  }

  /** The cosign signature annotation value: base64 of the raw signature over {@code payload}. */
  public String sign(KeyPair key, byte[] payload) {
    Path in = file("payload.json");
    Path sig = file("sig.der");
    write(in, payload);
    if (key.type() == KeyType.ED25519) {
      run(
          "openssl",
          "pkeyutl",
          "-sign",
          "-rawin",
          "-inkey",
          key.privateKey().toString(),
          "-in",
          in.toString(),
          "-out",
          sig.toString());
    } else if (key.type() == KeyType.RSA_2048_PSS) {
      run(
          "openssl",
          "dgst",
          "-sha256",
          "-sign",
          key.privateKey().toString(),
          "-sigopt",
          "rsa_padding_mode:pss",
          "-sigopt",
          "rsa_pss_saltlen:32",
          "-out",
          sig.toString(),
          in.toString());
    } else {
      run(
          "openssl",
          "dgst",
          "-sha256",
          "-sign",
          key.privateKey().toString(),
          "-out",
          sig.toString(),
          in.toString());
    }
    try {
      return Base64.getEncoder().encodeToString(Files.readAllBytes(sig));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** cosign's simple-signing payload for {@code digest}, as signing.md section 6 prints it. */
  public static byte[] payload(String dockerReference, String digest) {
    return String.format(
            "{\"critical\":{\"identity\":{\"docker-reference\":\"%s\"},\"image\":{\"docker-manifest-digest\":\"%s\"},\"type\":\"cosign container image signature\"},\"optional\":null}",
            dockerReference, digest)
        .getBytes(StandardCharsets.UTF_8);
  }

  /** A CA (EC P-256, self-signed, ten years) and its PEM certificate. */
  public record Ca(Path key, Path cert, String pem) {}

  public Ca ca(String cn) {
    Path key = file("ca.key");
    Path cert = file("ca.crt");
    run(
        "openssl",
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        key.toString(),
        "-out",
        cert.toString(),
        "-days",
        "3650",
        "-subj",
        "/O=doco test/CN=" + cn,
        "-addext",
        "basicConstraints=critical,CA:true",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign");
    return new Ca(key, cert, read(cert));
  }

  /**
   * A Fulcio-style leaf (EC P-256): empty-ish subject, critical URI or email SAN, code-signing EKU,
   * OIDC issuer in OID 1.3.6.1.4.1.57264.1.8, valid from now for {@code days}.
   */
  public record Leaf(Path key, String pem) {}

  public Leaf leaf(Ca ca, String san, String issuer, int days) {
    Path key = file("leaf.key");
    Path csr = file("leaf.csr");
    Path cert = file("leaf.crt");
    Path ext = file("ext.cnf");
    write(
        ext,
        ("subjectAltName=critical,"
                + san
                + "\n"
                + "keyUsage=critical,digitalSignature\n"
                + "extendedKeyUsage=codeSigning\n"
                + "1.3.6.1.4.1.57264.1.8=ASN1:UTF8String:"
                + issuer
                + "\n")
            .getBytes(StandardCharsets.UTF_8));
    run(
        "openssl",
        "req",
        "-new",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        key.toString(),
        "-out",
        csr.toString(),
        "-subj",
        "/O=sigstore.dev");
    run(
        "openssl",
        "x509",
        "-req",
        "-in",
        csr.toString(),
        "-CA",
        ca.cert().toString(),
        "-CAkey",
        ca.key().toString(),
        "-CAcreateserial",
        "-out",
        cert.toString(),
        "-days",
        Integer.toString(days),
        "-extfile",
        ext.toString());
    return new Leaf(key, read(cert));
  }

  /** A signature with the leaf's key (ECDSA P-256 / SHA-256). */
  public String sign(Leaf leaf, byte[] payload) {
    return sign(new KeyPair(KeyType.EC_P256, leaf.key(), ""), payload);
  }

  /** A trusted_root.json whose one CA is {@code ca} (no logs: SCT and SET cannot be made here). */
  public Path trustedRoot(Ca ca) {
    String der = ca.pem().replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    Path f = file("trusted_root.json");
    write(
        f,
        ("{\"mediaType\":\"application/vnd.dev.sigstore.trustedroot+json;version=0.1\","
                + "\"certificateAuthorities\":[{\"uri\":\"https://ca.doco.test\",\"certChain\":{\"certificates\":[{\"rawBytes\":\""
                + der
                + "\"}]},\"validFor\":{\"start\":\"2020-01-01T00:00:00Z\"}}]}")
            .getBytes(StandardCharsets.UTF_8));
    return f;
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path p, byte[] b) {
    try {
      Files.write(p, b);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
