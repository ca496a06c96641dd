package dev.doco.verify.internal;

import static dev.doco.verify.testing.Vectors.bytes;
import static dev.doco.verify.testing.Vectors.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.doco.core.config.KeylessIdentity;
import dev.doco.core.spi.Descriptor;
import dev.doco.verify.internal.SigstoreBundles.Artifact;
import dev.doco.verify.internal.SigstoreBundles.Found;
import dev.doco.verify.testing.InMemoryArtifactAccess;
import dev.doco.verify.testing.Vectors;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Sigstore bundle checks that the end-to-end vector tests do not reach, on edited copies of the
 * sigstore-conformance bundles (vectors README §3.3): how many tlog entries are read, entries
 * without a usable integrated time, entries from logs outside the trusted root, and discovery.
 */
class SigstoreBundlesTest {
  static final String CONF = "sigstore-bundle/conformance/";
  static final byte[] A_TXT = bytes(CONF + "a.txt");
  static final Artifact ARTIFACT =
      new Artifact() {
        @Override
        public String digest() {
          return Crypto.digestOf(A_TXT);
        }

        @Override
        public byte[] bytes() {
          return A_TXT.clone();
        }
      };
  static final TrustedRoot PUBLIC_GOOD =
      load("trusted-roots/public-good.cosign-testdata.trusted_root.json");
  static final KeylessIdentity BEACON =
      new KeylessIdentity(
          "https://token.actions.githubusercontent.com",
          "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main",
          "");
  static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");

  static TrustedRoot load(String rel) {
    try {
      return TrustedRoot.load(Vectors.path(rel));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static Rule managedKey() throws SignatureCheckException {
    return new Rule.Key(1, Crypto.parsePublicKeyPem(text(CONF + "managed-key-happy-path/key.pub")));
  }

  static String managedKeyBundle() {
    return text(CONF + "managed-key-happy-path/bundle.sigstore.json");
  }

  static String keylessBundle() {
    return text(CONF + "happy-path-v0.3/bundle.sigstore.json");
  }

  static Match verify(String bundle, Rule rule, TrustedRoot root, boolean ignoreTlog, Instant now)
      throws SignatureCheckException {
    return SigstoreBundles.verify(
        bundle.getBytes(StandardCharsets.UTF_8), "test", ARTIFACT, rule, root, ignoreTlog, now);
  }

  static String refusal(String bundle, Rule rule) {
    return assertThrows(
            SignatureCheckException.class, () -> verify(bundle, rule, PUBLIC_GOOD, false, NOW))
        .getMessage();
  }

  /** The end index (exclusive) of the JSON object or array starting at {@code start}. */
  static int endOf(String json, int start) {
    int depth = 0;
    boolean inString = false;
    for (int i = start; i < json.length(); i++) {
      char c = json.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '{' || c == '[') {
        depth++;
      } else if ((c == '}' || c == ']') && --depth == 0) {
        return i + 1;
      }
    }
    throw new IllegalArgumentException("unbalanced JSON");
  }

  /** The bundle with its one tlog entry repeated {@code n} times. */
  static String withEntryRepeated(String bundle, int n) {
    int arr = bundle.indexOf('[', bundle.indexOf("\"tlogEntries\""));
    int obj = bundle.indexOf('{', arr);
    String entry = bundle.substring(obj, endOf(bundle, obj));
    return bundle.substring(0, arr + 1)
        + String.join(",", java.util.Collections.nCopies(n, entry))
        + bundle.substring(endOf(bundle, arr) - 1);
  }

  /** The bundle without the {@code "inclusionPromise": {...}} member of its tlog entry. */
  static String withoutInclusionPromise(String bundle) {
    int key = bundle.indexOf("\"inclusionPromise\"");
    int obj = bundle.indexOf('{', key);
    int end = endOf(bundle, obj);
    while (bundle.charAt(end) == ',' || bundle.charAt(end) == ' ') {
      end++;
    }
    return bundle.substring(0, key) + bundle.substring(end);
  }

  // ------------------------------------------------------------------------------ tlog entries

  @Test
  void eightCopiesOfTheEntry_areReadAndRefusedAsDuplicates() {
    assertEquals(
        "duplicate transparency-log entry",
        assertThrows(
                SignatureCheckException.class,
                () ->
                    verify(
                        withEntryRepeated(managedKeyBundle(), 8),
                        managedKey(),
                        PUBLIC_GOOD,
                        false,
                        NOW))
            .getMessage());
  }

  @Test
  void moreThanEightEntries_areRefusedUnread() {
    assertEquals(
        "bundle has too many transparency-log entries",
        assertThrows(
                SignatureCheckException.class,
                () ->
                    verify(
                        withEntryRepeated(managedKeyBundle(), 9),
                        managedKey(),
                        PUBLIC_GOOD,
                        false,
                        NOW))
            .getMessage());
  }

  @Test
  void entryFromLogOutsideTheTrustedRoot_isRefusedNamingWhy() {
    TrustedRoot noRekor =
        new TrustedRoot(
            "no rekor",
            List.of(),
            PUBLIC_GOOD.certificateAuthorities(),
            PUBLIC_GOOD.ctlogs(),
            List.of());
    SignatureCheckException e =
        assertThrows(
            SignatureCheckException.class,
            () -> verify(managedKeyBundle(), managedKey(), noRekor, false, NOW));
    assertEquals("entry from a log not in the trusted root", e.getMessage());
  }

  @Test
  void keylessEntryWithoutInclusionPromise_givesNoTrustedTimeForTheCertificate() throws Exception {
    String b = withoutInclusionPromise(keylessBundle());
    assertTrue(b.contains("\"inclusionProof\"") && !b.contains("inclusionPromise"));
    assertEquals(
        "no trusted time for the certificate (no verified entry timestamp; signed timestamps are"
            + " not supported)",
        refusal(b, new Rule.Identity(BEACON)));
  }

  @Test
  void keylessEntryWithZeroIntegratedTime_isNotUsedAsTrustedTime() {
    String b =
        keylessBundle().replace("\"integratedTime\": \"1710869186\"", "\"integratedTime\": \"0\"");
    assertTrue(b.contains("\"integratedTime\": \"0\""));
    assertEquals(
        "no trusted time for the certificate (no verified entry timestamp; signed timestamps are"
            + " not supported)",
        refusal(b, new Rule.Identity(BEACON)));
  }

  @Test
  void keylessWithIgnoreTlog_checksTheCertificateAtNow() throws Exception {
    Instant during = Instant.parse("2024-03-19T17:30:00Z");
    Match m = verify(keylessBundle(), new Rule.Identity(BEACON), PUBLIC_GOOD, true, during);
    assertTrue(
        m.notes().contains("certificate chain valid at " + during + " (now)"),
        m.notes().toString());
    assertTrue(
        m.notes().contains("transparency log not checked (ignore_tlog)"), m.notes().toString());
  }

  @Test
  void unsupportedBundleVersion_isRefused() throws Exception {
    String b =
        managedKeyBundle()
            .replace(
                SigstoreBundles.BUNDLE_ARTIFACT_TYPE,
                "application/vnd.dev.sigstore.bundle.v0.4+json");
    assertEquals(
        "bundle media type application/vnd.dev.sigstore.bundle.v0.4+json is not supported",
        refusal(b, managedKey()));
  }

  // --------------------------------------------------------------------------------- discovery

  static Descriptor referrer(String digest) {
    return new Descriptor(
        "application/vnd.oci.image.manifest.v1+json",
        digest,
        1,
        SigstoreBundles.BUNDLE_ARTIFACT_TYPE,
        Map.of());
  }

  @Test
  void discover_reads32BundleReferrers_andSaysWhenThereAreMore() {
    InMemoryArtifactAccess access = new InMemoryArtifactAccess("registry.test/app");
    String subject = "sha256:" + "ab".repeat(32);
    List<Descriptor> refs = new ArrayList<>();
    for (int i = 0; i < 33; i++) {
      refs.add(
          referrer(
              Vectors.putBundleReferrer(
                  access, subject, ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8))));
    }
    List<String> problems = new ArrayList<>();
    assertEquals(32, SigstoreBundles.discover(access, refs.subList(0, 32), problems).size());
    assertEquals(List.of(), problems);
    assertEquals(32, SigstoreBundles.discover(access, refs, problems).size());
    assertEquals(List.of("more than 32 bundle referrers"), problems);
  }

  @Test
  void discover_skipsLayersWithoutMediaType_andTakesTheBundleLayer() {
    InMemoryArtifactAccess access = new InMemoryArtifactAccess("registry.test/app");
    byte[] bundle = "{\"b\":1}".getBytes(StandardCharsets.UTF_8);
    String layer = access.putBlob(bundle);
    String m =
        access.putManifest(
            "{\"schemaVersion\":2,\"layers\":[{\"digest\":\"sha256:"
                + "00".repeat(32)
                + "\",\"size\":1},{\"mediaType\":\"application/vnd.dev.sigstore.bundle+json;version=0.2\","
                + "\"digest\":\""
                + layer
                + "\",\"size\":"
                + bundle.length
                + "}]}");
    List<Found> found = SigstoreBundles.discover(access, List.of(referrer(m)), new ArrayList<>());
    assertEquals(1, found.size());
    assertNull(found.get(0).error());
    assertEquals(
        "{\"b\":1}",
        new String(
            java.util.Objects.requireNonNull(found.get(0).bundle()), StandardCharsets.UTF_8));
    assertEquals("Sigstore bundle (referrer " + m + ")", found.get(0).describe());
  }
}
