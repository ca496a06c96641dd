package dev.doco.verify.notation;

import static dev.doco.verify.notation.Scenario.all;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.doco.core.spi.VerificationResult;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Notation JWS made by openssl alone, exactly as in signing.md section 6: an independent
 * producer, so our parser and signature check are not only tested against our own signer.
 */
class OpensslRecipeTest {
  @TempDir Path tmp;

  private static final String RECIPE =
      """
      set -eu
      b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
      DIGEST="sha256:$(openssl dgst -sha256 -r manifest.json | cut -d' ' -f1)"
      openssl req -x509 -newkey rsa:2048 -nodes -keyout n.key -out n.crt -days 3650 \
        -subj "/C=US/ST=WA/L=Seattle/O=Example/CN=example-signer" \
        -addext "keyUsage=critical,digitalSignature" -addext "extendedKeyUsage=codeSigning" \
        -addext "basicConstraints=critical,CA:false" 2>/dev/null
      PROT=$(printf '{"alg":"PS256","crit":["io.cncf.notary.signingScheme"],"cty":"application/vnd.cncf.notary.payload.v1+json","io.cncf.notary.signingScheme":"notary.x509","io.cncf.notary.signingTime":"%s"}' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" | b64url)
      PAYL=$(printf '{"targetArtifact":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%d}}' "$DIGEST" "$(stat -c %s manifest.json)" | b64url)
      printf '%s.%s' "$PROT" "$PAYL" > si
      openssl dgst -sha256 -sign n.key -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32 -sigopt rsa_mgf1_md:sha256 -out si.sig si
      printf '{"payload":"%s","protected":"%s","header":{"x5c":["%s"]},"signature":"%s"}' "$PAYL" "$PROT" "$(openssl x509 -in n.crt -outform DER | openssl base64 -A)" "$(b64url < si.sig)" > sig.jws.json
      # tampered copy: the same envelope over a payload claiming another size
      PAYL2=$(printf '{"targetArtifact":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%d}}' "$DIGEST" 1 | b64url)
      sed "s/$PAYL/$PAYL2/" sig.jws.json > tampered.jws.json
      """;

  private static boolean hasOpenssl() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, "openssl"))) {
        return true;
      }
    }
    return false;
  }

  private void runRecipe(Path dir) throws Exception {
    Process p =
        new ProcessBuilder(List.of("bash", "-c", RECIPE))
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Thread drain =
        new Thread(
            () -> {
              try (InputStream in = p.getInputStream()) {
                in.transferTo(out);
              } catch (java.io.IOException ignored) {
                // the process died; its exit code says so
              }
            });
    drain.start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("openssl recipe timed out");
    }
    drain.join(5000);
    assertEquals(
        0, p.exitValue(), "openssl recipe failed:\n" + out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void opensslMadeJws_isAccepted_andItsTamperedCopyIsRefused() throws Exception {
    assumeTrue(hasOpenssl(), "openssl is not on PATH");
    Scenario s = new Scenario(tmp.resolve("s"));
    Path work = Files.createDirectories(tmp.resolve("work"));
    Files.write(work.resolve("manifest.json"), s.access.manifest(s.digest).bytes());
    runRecipe(work);
    Files.createDirectories(s.dir.resolve("truststore/x509/ca/test"));
    Files.copy(work.resolve("n.crt"), s.dir.resolve("truststore/x509/ca/test/n.crt"));
    s.now = Instant.now();

    s.attachJws(Files.readAllBytes(work.resolve("sig.jws.json")));
    VerificationResult ok = s.verify();
    assertTrue(ok.accepted(), all(ok));

    Scenario t = new Scenario(tmp.resolve("t"));
    Files.createDirectories(t.dir.resolve("truststore/x509/ca/test"));
    Files.copy(work.resolve("n.crt"), t.dir.resolve("truststore/x509/ca/test/n.crt"));
    t.now = Instant.now();
    t.attachJws(Files.readAllBytes(work.resolve("tampered.jws.json")));
    VerificationResult bad = t.verify();
    assertFalse(bad.accepted());
    assertTrue(
        bad.attempts().get(0).contains("integrity: the signature does not verify"), all(bad));
  }
}
