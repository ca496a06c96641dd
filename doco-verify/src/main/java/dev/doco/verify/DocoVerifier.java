package dev.doco.verify;

import dev.doco.core.ConfigException;
import dev.doco.core.Revision;
import dev.doco.core.config.KeylessIdentity;
import dev.doco.core.config.NotationTrust;
import dev.doco.core.config.TrustPolicy;
import dev.doco.core.spi.ArtifactAccess;
import dev.doco.core.spi.Descriptor;
import dev.doco.core.spi.VerificationResult;
import dev.doco.core.spi.Verifier;
import dev.doco.verify.internal.CosignClassic;
import dev.doco.verify.internal.Crypto;
import dev.doco.verify.internal.Fulcio;
import dev.doco.verify.internal.Match;
import dev.doco.verify.internal.Rule;
import dev.doco.verify.internal.SignatureCheckException;
import dev.doco.verify.internal.SigstoreBundles;
import dev.doco.verify.internal.TrustedRoot;
import dev.doco.verify.notation.NotationVerifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies an artifact's cosign signatures (classic {@code .sig} tag or OCI 1.1 referrer, key or
 * keyless, with the Rekor SET), Sigstore bundles and Notation signatures against a doco-cd trust
 * policy, offline.
 *
 * <p>Semantics are doco-cd's: a disabled policy accepts without looking; an enabled policy with no
 * rule is a configuration error; each public key, each keyless identity and the Notation trust
 * policy is one rule, and <em>any one</em> rule passing on <em>any one</em> signature accepts; a
 * refusal lists every rule tried and why it failed. Verification always targets {@code
 * repository@digest}. The Sigstore public-good trusted root ships inside this jar; {@code
 * trusted_root} in the policy replaces it.
 *
 * <pre>{@code
 * Verifier v = new DocoVerifier();
 * VerificationResult r = v.verify(revision, access, policy);
 * if (!r.accepted()) throw new VerificationException(r.subject(), r.attempts());
 * log.info("{} signed: {} by {}", r.subject(), r.signature(), r.matchedBy());
 * }</pre>
 *
 * <p>Thread-safe; trusted-root files are read once and re-read when they change.
 */
public final class DocoVerifier implements Verifier {
  private static final Logger LOG = LoggerFactory.getLogger(DocoVerifier.class);
  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

  private final Clock clock;
  private volatile @Nullable TrustedRoot bundled;
  private final ConcurrentMap<Path, CachedRoot> userRoots = new ConcurrentHashMap<>();

  private record CachedRoot(FileTime modified, long size, TrustedRoot root) {}

  /** A verifier on the system clock. */
  public DocoVerifier() {
    this(Clock.systemUTC());
  }

  /**
   * A verifier whose "now" comes from {@code clock} (used for certificates only when the
   * transparency log is ignored, and for Notation expiry; Sigstore keyless certificates are checked
   * at the log's integrated time).
   */
  public DocoVerifier(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public boolean supports(TrustPolicy policy) {
    return policy.enabled();
  }

  @Override
  public VerificationResult verify(Revision revision, ArtifactAccess access, TrustPolicy policy) {
    Objects.requireNonNull(access, "access");
    String subject = revision.subject();
    if (!policy.enabled()) {
      return new VerificationResult(
          subject,
          true,
          null,
          null,
          List.of(),
          List.of("signature verification is disabled by the trust policy"));
    }
    String digest = revision.digest();
    if (!DIGEST.matcher(digest).matches()) {
      return VerificationResult.refused(
          subject,
          List.of(
              "artifact digest \""
                  + digest
                  + "\" is not a sha256 digest; verification needs repository@sha256:<hex>"));
    }
    if (policy.hasNoRules()) {
      throw new ConfigException(
          "the OCI trust policy is enabled but has no trust rules: add public_keys,"
              + " keyless_identities or notation to it (or set enabled: false)");
    }

    List<Rule> rules = new ArrayList<>();
    List<String> attempts = new ArrayList<>();
    for (int i = 0; i < policy.publicKeys().size(); i++) {
      try {
        rules.add(new Rule.Key(i + 1, Crypto.parsePublicKeyPem(policy.publicKeys().get(i))));
      } catch (SignatureCheckException e) {
        attempts.add(
            "public key #" + (i + 1) + ": not a usable PEM public key (" + e.getMessage() + ")");
      }
    }
    for (KeylessIdentity id : policy.keylessIdentities()) {
      rules.add(new Rule.Identity(id));
    }

    if (!rules.isEmpty()) {
      TrustedRoot root = trustedRoot(policy);
      Instant now = clock.instant();
      List<String> problems = new ArrayList<>();
      List<Descriptor> referrers = List.of();
      try {
        referrers = access.referrers(digest, null);
      } catch (IOException e) {
        problems.add("could not read the referrers of " + digest + ": " + e.getMessage());
      }
      List<CosignClassic.Layer> layers =
          CosignClassic.discover(access, digest, referrers, problems);
      List<SigstoreBundles.Found> bundles = SigstoreBundles.discover(access, referrers, problems);
      SigstoreBundles.Artifact artifact = artifact(access, digest);
      LOG.debug(
          "{}: {} cosign signature layer(s), {} bundle(s), {} rule(s)",
          subject,
          layers.size(),
          bundles.size(),
          rules.size());
      for (Rule rule : rules) {
        List<Failure> failures = new ArrayList<>();
        for (CosignClassic.Layer layer : layers) {
          try {
            Match m = CosignClassic.verify(layer, rule, digest, root, policy.ignoreTlog(), now);
            return accepted(subject, m, rule, attempts);
          } catch (SignatureCheckException e) {
            failures.add(new Failure(layer.describe(), e));
          }
        }
        for (SigstoreBundles.Found b : bundles) {
          byte[] json = b.bundle();
          if (json == null) {
            failures.add(
                new Failure(b.describe(), new SignatureCheckException(String.valueOf(b.error()))));
            continue;
          }
          try {
            Match m =
                SigstoreBundles.verify(
                    json, b.where(), artifact, rule, root, policy.ignoreTlog(), now);
            return accepted(subject, m, rule, attempts);
          } catch (SignatureCheckException e) {
            failures.add(new Failure(b.describe(), e));
          }
        }
        attempts.add(rule.describe() + ": " + summarize(rule, failures, digest, problems));
      }
    }

    NotationTrust notation = policy.notation();
    if (notation != null) {
      VerificationResult n = new NotationVerifier(notation, clock).verify(revision, access);
      if (n.accepted()) {
        List<String> all = new ArrayList<>(attempts);
        all.addAll(n.attempts());
        return new VerificationResult(subject, true, n.signature(), n.matchedBy(), all, n.notes());
      }
      // every line of a Notation refusal starts with "notation" (never empty)
      attempts.addAll(n.attempts());
    }
    LOG.debug("{}: refused: {}", subject, attempts);
    return VerificationResult.refused(subject, attempts);
  }

  private record Failure(String signature, SignatureCheckException error) {}

  private static VerificationResult accepted(
      String subject, Match m, Rule rule, List<String> earlierAttempts) {
    LOG.debug("{}: accepted {} by {}", subject, m.signature(), rule.describe());
    return new VerificationResult(
        subject, true, m.signature(), rule.describe(), earlierAttempts, m.notes());
  }

  private static String summarize(
      Rule rule, List<Failure> failures, String digest, List<String> problems) {
    String extra = problems.isEmpty() ? "" : " (" + String.join("; ", problems) + ")";
    if (failures.isEmpty()) {
      return "no cosign signature or Sigstore bundle found for "
          + digest
          + " (looked at tag "
          + CosignClassic.signatureTag(digest)
          + " and referrers)"
          + extra;
    }
    if (rule instanceof Rule.Identity
        && failures.stream().allMatch(f -> f.error() instanceof Fulcio.IdentityMismatch)) {
      return "no signature with a matching identity (" + failures.size() + " checked)" + extra;
    }
    Set<String> reasons = new LinkedHashSet<>();
    for (Failure f : failures) {
      if (!(f.error() instanceof Fulcio.IdentityMismatch) || failures.size() == 1) {
        reasons.add(f.error().getMessage());
      }
    }
    if (failures.size() == 1 || reasons.size() == 1) {
      return String.join("; ", reasons) + extra;
    }
    List<String> each = new ArrayList<>();
    for (Failure f : failures) {
      each.add(f.signature() + ": " + f.error().getMessage());
    }
    return String.join("; ", each) + extra;
  }

  private static SigstoreBundles.Artifact artifact(ArtifactAccess access, String digest) {
    return new SigstoreBundles.Artifact() {
      private byte @Nullable [] bytes;

      @Override
      public String digest() {
        return digest;
      }

      @Override
      public synchronized byte[] bytes() throws IOException {
        byte[] b = bytes;
        if (b == null) {
          b = access.manifest(digest).bytes();
          bytes = b;
        }
        return b;
      }
    };
  }

  private TrustedRoot trustedRoot(TrustPolicy policy) {
    String file = policy.trustedRoot();
    if (file == null || file.isBlank()) {
      TrustedRoot b = bundled;
      if (b == null) {
        b = TrustedRoot.bundled();
        bundled = b;
      }
      return b;
    }
    Path path = Path.of(file);
    try {
      FileTime modified = Files.getLastModifiedTime(path);
      long size = Files.size(path);
      CachedRoot cached = userRoots.get(path);
      if (cached != null && cached.modified().equals(modified) && cached.size() == size) {
        return cached.root();
      }
      TrustedRoot root = TrustedRoot.load(path);
      userRoots.put(path, new CachedRoot(modified, size, root));
      return root;
    } catch (IOException | SignatureCheckException e) {
      throw new ConfigException(
          "cannot use the trusted root "
              + file
              + " named by the trust policy's trusted_root: "
              + e.getMessage()
              + "; point trusted_root at a Sigstore trusted_root.json, or remove it to use the"
              + " bundled public-good root",
          file,
          -1,
          -1,
          e);
    }
  }
}
