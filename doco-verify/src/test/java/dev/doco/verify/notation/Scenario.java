package dev.doco.verify.notation;

import dev.doco.core.Revision;
import dev.doco.core.config.NotationTrust;
import dev.doco.core.spi.VerificationResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/**
 * One artifact in an in-memory repository, a trust store directory and a policy, for tests that
 * make their own signatures.
 */
final class Scenario {
  static final String REPO = "registry.example/team/app";
  static final String MEDIA_TYPE = "application/vnd.oci.image.manifest.v1+json";
  static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

  final Path dir;
  final InMemoryArtifactAccess access = new InMemoryArtifactAccess(REPO);
  final String digest;
  final long size;
  PolicyFile policy =
      PolicyFile.strict(REPO, List.of("ca:test"), List.of("x509.subject: C=US, ST=WA, O=Example"));
  Instant now = NOW;

  Scenario(Path dir) {
    this(
        dir,
        "{\"schemaVersion\":2,\"mediaType\":\"" + MEDIA_TYPE + "\",\"config\":{},\"layers\":[]}");
  }

  Scenario(Path dir, String manifestJson) {
    this.dir = dir;
    byte[] m = manifestJson.getBytes(StandardCharsets.UTF_8);
    this.digest = access.putManifest(MEDIA_TYPE, m);
    this.size = m.length;
  }

  /** The payload that binds a signature to this artifact. */
  String payload() {
    return TestSigning.payload(MEDIA_TYPE, digest, size);
  }

  /** Puts {@code certs} into {@code truststore/x509/<type>/<name>/<file>}. */
  Scenario trust(String type, String name, X509Certificate... certs) throws Exception {
    TestSigning.writePem(
        dir.resolve("truststore/x509/" + type + "/" + name + "/" + name + ".pem"), certs);
    return this;
  }

  String attachJws(byte[] envelope) {
    return access.attachSignature(digest, "application/jose+json", envelope, false);
  }

  String attachCose(byte[] envelope) {
    return access.attachSignature(digest, "application/cose", envelope, false);
  }

  Revision revision() {
    return new Revision(REPO + ":v1", REPO, "v1", digest, MEDIA_TYPE, Map.of());
  }

  VerificationResult verify() throws Exception {
    Path p = policy.write(dir.resolve("policy"));
    return new NotationVerifier(
            new NotationTrust(p.toString(), dir.resolve("truststore").toString()),
            Clock.fixed(now, ZoneOffset.UTC))
        .verify(revision(), access);
  }

  static String all(VerificationResult r) {
    return "accepted="
        + r.accepted()
        + " by="
        + r.matchedBy()
        + "\n  "
        + String.join("\n  ", r.attempts())
        + "\n  notes: "
        + String.join("\n  ", r.notes());
  }
}
