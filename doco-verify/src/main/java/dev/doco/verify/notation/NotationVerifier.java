package dev.doco.verify.notation;

import dev.doco.core.Revision;
import dev.doco.core.config.NotationTrust;
import dev.doco.core.spi.ArtifactAccess;
import dev.doco.core.spi.Descriptor;
import dev.doco.core.spi.Manifest;
import dev.doco.core.spi.VerificationResult;
import dev.doco.verify.notation.Level.Action;
import dev.doco.verify.notation.Level.Check;
import dev.doco.verify.notation.TrustPolicyDocument.Statement;
import dev.doco.verify.notation.TrustPolicyDocument.StoreRef;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies Notation (Notary Project) signatures of one artifact, offline, against Notation's own
 * trust policy ({@code trustpolicy.oci.json} or {@code trustpolicy.json}) and trust store ({@code
 * x509/{ca,signingAuthority,tsa}/NAME/}).
 *
 * <p>Signatures are the artifact's referrers with artifact type {@value #SIGNATURE_ARTIFACT_TYPE}
 * (or the older form with that value as {@code config.mediaType}), each holding one JWS ({@code
 * application/jose+json}) or COSE_Sign1 ({@code application/cose}) envelope. Any one signature
 * passing is enough. The trust policy statement whose registry scope names the artifact's
 * repository (else the {@code "*"} statement) decides the level, and so which failed checks stop
 * verification ("enforce") and which are only reported in {@link VerificationResult#notes()}
 * ("log"):
 *
 * <pre>
 * level       integrity authenticity authenticTimestamp expiry revocation
 * strict      enforce   enforce      enforce            enforce enforce
 * permissive  enforce   enforce      log                log     log
 * audit       enforce   log          log                log     log
 * skip        (nothing is verified; the artifact is accepted with a note)
 * </pre>
 *
 * <p><b>Revocation.</b> doco verifies offline and never queries OCSP responders or CRLs. A chain
 * whose certificates name no OCSP responder and no CRL distribution point is non-revocable, as in
 * Notation, and passes. A chain that names one has an <em>unknown</em> revocation status, which
 * Notation counts as a revocation failure: refused at {@code strict} (unless the statement sets
 * {@code "override": {"revocation": "log"}} or {@code "skip"}), noted at the other levels. Results
 * always say which of these happened; revocation is never reported as checked.
 *
 * <pre>{@code
 * NotationVerifier verifier = new NotationVerifier(
 *     new NotationTrust("/etc/notation/trustpolicy.oci.json", "/etc/notation/truststore"),
 *     Clock.systemUTC());
 * VerificationResult result = verifier.verify(revision, access);
 * }</pre>
 *
 * <p>Thread-safe; the trust policy and trust stores are read on every call, so edits apply without
 * a restart. An invalid trust policy file throws {@link dev.doco.core.ConfigException}; everything
 * about the artifact and its signatures (including missing or invalid trust stores, as in Notation)
 * yields a refused result with one line per signature saying which check failed and why.
 */
public final class NotationVerifier {
  /** The artifact type (or legacy config media type) of Notation signature manifests. */
  public static final String SIGNATURE_ARTIFACT_TYPE = "application/vnd.cncf.notary.signature";

  /** At most this many signatures are tried (notation's default; unbounded was GHSA-rvrx). */
  static final int MAX_SIGNATURES = 100;

  static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
  static final long MAX_ENVELOPE_BYTES = 32L * 1024 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(NotationVerifier.class);

  private final NotationTrust trust;
  private final Clock clock;

  /**
   * @param trust the trust policy file (or its directory) and the trust store directory (the one
   *     holding {@code x509/})
   * @param clock "now" for certificate validity and expiry when no timestamp applies
   */
  public NotationVerifier(NotationTrust trust, Clock clock) {
    this.trust = Objects.requireNonNull(trust, "trust");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Verifies {@code revision.subject()}; never throws for a bad or missing signature. A refused
   * result has at least one attempt, and every attempt line starts with {@code "notation"}.
   *
   * @throws dev.doco.core.ConfigException when the trust policy file is missing or invalid
   */
  public VerificationResult verify(Revision revision, ArtifactAccess access) {
    Objects.requireNonNull(revision, "revision");
    Objects.requireNonNull(access, "access");
    String subject = revision.subject();
    TrustPolicyDocument policy = TrustPolicyDocument.load(Path.of(trust.trustPolicyFile()));
    Optional<Statement> selected = policy.select(revision.repository());
    if (selected.isEmpty()) {
      return VerificationResult.refused(
          subject,
          List.of(
              "notation: no trust policy statement in "
                  + policy.origin()
                  + " applies to "
                  + revision.repository()
                  + "; add a statement whose registryScopes lists it (or \"*\")"));
    }
    Statement statement = selected.get();
    if (statement.level() == Level.SKIP) {
      String note =
          "notation: trust policy statement "
              + statement.describe()
              + " skips verification for "
              + revision.repository()
              + ": no Notation signature was checked";
      LOG.warn("{} ({})", note, subject);
      return new VerificationResult(
          subject,
          true,
          "none (level skip)",
          "notation trust policy statement " + statement.describe(),
          List.of(),
          List.of(note));
    }

    Descriptor target;
    try {
      Manifest m = access.manifest(revision.digest());
      target = new Descriptor(m.mediaType(), m.digest(), m.bytes().length, null, Map.of());
    } catch (IOException e) {
      return VerificationResult.refused(
          subject,
          List.of("notation: cannot read the artifact manifest " + revision.digest() + ": " + e));
    }

    List<Descriptor> signatures;
    try {
      signatures = discover(access, revision.digest());
    } catch (IOException e) {
      return VerificationResult.refused(
          subject,
          List.of("notation: cannot list the referrers of " + revision.digest() + ": " + e));
    }
    if (signatures.isEmpty()) {
      return VerificationResult.refused(
          subject,
          List.of(
              "notation: no Notation signature found (no referrer with artifactType "
                  + SIGNATURE_ARTIFACT_TYPE
                  + ")"));
    }

    Run run = new Run(statement, new TrustStore(Path.of(trust.trustStoreDirectory())), target);
    List<String> attempts = new ArrayList<>();
    int tried = 0;
    for (Descriptor sig : signatures) {
      if (tried == MAX_SIGNATURES) {
        attempts.add(
            "notation: stopped after "
                + MAX_SIGNATURES
                + " signatures; "
                + (signatures.size() - tried)
                + " more were not tried");
        break;
      }
      tried++;
      Outcome outcome = run.verifySignature(access, sig);
      if (outcome.accepted()) {
        List<String> notes = new ArrayList<>(outcome.notes());
        notes.add(0, "notation: trust policy statement " + statement.describe());
        return new VerificationResult(
            subject, true, sig.digest(), outcome.matchedBy(), attempts, notes);
      }
      attempts.add(outcome.failure());
    }
    return VerificationResult.refused(subject, attempts);
  }

  private static List<Descriptor> discover(ArtifactAccess access, String digest)
      throws IOException {
    Map<String, Descriptor> found = new LinkedHashMap<>();
    for (Descriptor d : access.referrers(digest, SIGNATURE_ARTIFACT_TYPE)) {
      found.putIfAbsent(d.digest(), d);
    }
    if (found.isEmpty()) {
      // the older form (config.mediaType) where a source filters on the manifest field only
      for (Descriptor d : access.referrers(digest, null)) {
        if (d.artifactType() == null || SIGNATURE_ARTIFACT_TYPE.equals(d.artifactType())) {
          found.putIfAbsent(d.digest(), d);
        }
      }
    }
    return List.copyOf(found.values());
  }

  /** The result of one signature. */
  private record Outcome(
      boolean accepted, @Nullable String matchedBy, List<String> notes, String failure) {
    static Outcome accept(String matchedBy, List<String> notes) {
      return new Outcome(true, matchedBy, List.copyOf(notes), "");
    }

    static Outcome refuse(String failure) {
      return new Outcome(false, null, List.of(), failure);
    }
  }

  /** An enforced check failed: stops the signature. */
  private static final class Refusal extends Exception {
    private static final long serialVersionUID = 1L;

    Refusal(String message) {
      super(message, null, false, false);
    }
  }

  /** One verify call: the selected statement, loaded stores, the target descriptor, "now". */
  private final class Run {
    private final Statement statement;
    private final TrustStore store;
    private final Descriptor target;
    private final Instant now = clock.instant();
    private final Map<StoreRef, Object> loaded = new LinkedHashMap<>();

    Run(Statement statement, TrustStore store, Descriptor target) {
      this.statement = statement;
      this.store = store;
      this.target = target;
    }

    Outcome verifySignature(ArtifactAccess access, Descriptor sig) {
      List<String> notes = new ArrayList<>();
      String label = "notation signature " + sig.digest();
      try {
        byte[][] layer = new byte[1][];
        String mediaType = fetchEnvelope(access, sig, layer);
        label += " (" + (mediaType.equals(Envelopes.MEDIA_TYPE_JWS) ? "JWS" : "COSE") + ")";
        SignerInfo info = integrity(mediaType, layer[0]);
        String matched = authenticity(info, label, notes);
        expiry(info, label, notes);
        String time = authenticTimestamp(info, label, notes);
        revocation(info, label, notes);
        return Outcome.accept(
            "notation " + label + ": " + matched + (time.isEmpty() ? "" : "; " + time), notes);
      } catch (Refusal r) {
        return Outcome.refuse(label + ": " + r.getMessage());
      }
    }

    private Refusal refusal(Check check, String reason) {
      return new Refusal(
          check.key
              + (check == Check.INTEGRITY
                  ? ""
                  : " (enforced by trust policy statement " + statement.describe() + ")")
              + ": "
              + reason);
    }

    /** Applies the statement's action to a failed check: throws when enforced, else notes it. */
    private void failed(Check check, String reason, String label, List<String> notes)
        throws Refusal {
      Action action = statement.action(check);
      if (action == Action.ENFORCE) {
        throw refusal(check, reason);
      }
      String note =
          label
              + ": "
              + check.key
              + " failed, logged only (trust policy statement "
              + statement.describe()
              + "): "
              + reason;
      LOG.warn("{}", note);
      notes.add(note);
    }

    private String fetchEnvelope(ArtifactAccess access, Descriptor sig, byte[][] out)
        throws Refusal {
      Manifest m;
      try {
        m = access.manifest(sig.digest());
      } catch (IOException e) {
        throw new Refusal("cannot read the signature manifest: " + e);
      }
      byte[] bytes = m.bytes();
      if (bytes.length > MAX_MANIFEST_BYTES) {
        throw new Refusal("the signature manifest is larger than 4 MiB");
      }
      Map<String, Object> manifest;
      Map<String, Object> layer;
      try {
        manifest = Json.object(bytes, "signature manifest");
        String artifactType = Json.optString(manifest, "artifactType", "signature manifest");
        Map<String, Object> config = Json.optObject(manifest, "config", "signature manifest");
        String configType =
            config == null ? null : Json.optString(config, "mediaType", "signature config");
        if (!SIGNATURE_ARTIFACT_TYPE.equals(artifactType)
            && !(artifactType == null && SIGNATURE_ARTIFACT_TYPE.equals(configType))) {
          throw new Refusal(
              "not a Notation signature manifest (artifactType "
                  + artifactType
                  + ", config.mediaType "
                  + configType
                  + ")");
        }
        Map<String, Object> subj = Json.optObject(manifest, "subject", "signature manifest");
        String subjDigest = subj == null ? null : Json.optString(subj, "digest", "subject");
        if (!target.digest().equals(subjDigest)) {
          throw new Refusal(
              "the signature manifest's subject is " + subjDigest + ", not " + target.digest());
        }
        Object layers =
            manifest.containsKey("layers") ? manifest.get("layers") : manifest.get("blobs");
        if (!(layers instanceof List<?> list)
            || list.size() != 1
            || !(list.get(0) instanceof Map)) {
          throw new Refusal("a Notation signature manifest must have exactly one layer");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> l = (Map<String, Object>) list.get(0);
        layer = l;
        String mediaType = Json.string(layer, "mediaType", "signature layer");
        String digest = Json.string(layer, "digest", "signature layer");
        long size = Json.nonNegativeLong(layer, "size", "signature layer");
        if (!mediaType.equals(Envelopes.MEDIA_TYPE_JWS)
            && !mediaType.equals(Envelopes.MEDIA_TYPE_COSE)) {
          throw new Refusal(
              "integrity: unsupported envelope media type "
                  + mediaType
                  + " (expected application/jose+json or application/cose)");
        }
        if (size > MAX_ENVELOPE_BYTES) {
          throw new Refusal("the signature envelope is larger than 32 MiB");
        }
        out[0] = readBlob(access, digest, (int) size);
        return mediaType;
      } catch (Malformed e) {
        throw new Refusal("invalid signature manifest: " + e.getMessage());
      }
    }

    private byte[] readBlob(ArtifactAccess access, String digest, int size) throws Refusal {
      try (InputStream in = access.blob(digest)) {
        byte[] data = in.readNBytes(size + 1);
        if (data.length != size) {
          throw new Refusal(
              "the signature envelope " + digest + " is not the " + size + " bytes its layer says");
        }
        return data;
      } catch (IOException e) {
        throw new Refusal("cannot read the signature envelope " + digest + ": " + e);
      }
    }

    private SignerInfo integrity(String mediaType, byte[] envelope) throws Refusal {
      SignerInfo info;
      try {
        info = Envelopes.parse(mediaType, envelope);
      } catch (Malformed e) {
        throw refusal(Check.INTEGRITY, "invalid envelope: " + e.getMessage());
      }
      X509Certificate leaf = info.leaf();
      try {
        String expected = CertChains.algorithmFor(leaf.getPublicKey());
        if (!expected.equals(info.algorithm())) {
          throw refusal(
              Check.INTEGRITY,
              "the envelope algorithm "
                  + info.algorithm()
                  + " does not match the signing key (which requires "
                  + expected
                  + ")");
        }
      } catch (Malformed e) {
        throw refusal(Check.INTEGRITY, "signing certificate: " + e.getMessage());
      }
      if (!CertChains.verify(
          info.algorithm(), leaf.getPublicKey(), info.signingInput(), info.signature())) {
        throw refusal(
            Check.INTEGRITY,
            "the signature does not verify with the signing certificate's key ("
                + info.algorithm()
                + "); the envelope was altered or signed with another key");
      }
      try {
        CertChains.validateCodeSigningChain(info.chain());
      } catch (Malformed e) {
        throw refusal(Check.INTEGRITY, "invalid certificate chain: " + e.getMessage());
      }
      try {
        Map<String, Object> payload = Json.object(info.payload(), "signature payload");
        Map<String, Object> ta = Json.object(payload, "targetArtifact", "signature payload");
        String mt = Json.string(ta, "mediaType", "targetArtifact");
        String dg = Json.string(ta, "digest", "targetArtifact");
        long size = Json.nonNegativeLong(ta, "size", "targetArtifact");
        if (!mt.equals(target.mediaType())
            || !dg.equals(target.digest())
            || size != target.size()) {
          throw refusal(
              Check.INTEGRITY,
              "the signature is for "
                  + describe(mt, dg, size)
                  + ", not for this artifact "
                  + describe(target.mediaType(), target.digest(), target.size()));
        }
      } catch (Malformed e) {
        throw refusal(Check.INTEGRITY, "invalid payload: " + e.getMessage());
      }
      return info;
    }

    private String authenticity(SignerInfo info, String label, List<String> notes) throws Refusal {
      String type = info.signingScheme().equals(SignerInfo.SCHEME_X509) ? "ca" : "signingAuthority";
      List<StoreRef> refs = statement.stores(type);
      if (refs.isEmpty()) {
        failed(
            Check.AUTHENTICITY,
            "signing scheme "
                + info.signingScheme()
                + " needs a "
                + type
                + ":NAME trust store, and the statement lists none",
            label,
            notes);
        return "authenticity not established (logged only)";
      }
      List<String> storeErrors = new ArrayList<>();
      for (StoreRef ref : refs) {
        List<X509Certificate> certs;
        try {
          certs = certificates(ref);
        } catch (Malformed e) {
          storeErrors.add(e.getMessage());
          continue;
        }
        for (X509Certificate chainCert : info.chain()) {
          for (X509Certificate trusted : certs) {
            if (chainCert.equals(trusted)) { // X509Certificate.equals compares the DER bytes
              String anchor =
                  "certificate " + CertChains.name(trusted) + " (" + fingerprint(trusted) + ")";
              String identity = identity(info.leaf(), label, notes);
              return anchor + " in trust store " + ref + ", " + identity;
            }
          }
        }
      }
      StringBuilder reason =
          new StringBuilder("the certificate chain [")
              .append(chainDescription(info.chain()))
              .append("] does not contain any certificate of trust stores ")
              .append(refs);
      if (!storeErrors.isEmpty()) {
        reason.append(" (").append(String.join("; ", storeErrors)).append(")");
      }
      failed(Check.AUTHENTICITY, reason.toString(), label, notes);
      return "authenticity not established (logged only)";
    }

    private String identity(X509Certificate leaf, String label, List<String> notes) throws Refusal {
      if (statement.anyIdentity()) {
        return "identity * (any)";
      }
      Map<String, String> subject;
      try {
        subject = DistinguishedName.subject(leaf);
      } catch (Malformed e) {
        failed(Check.AUTHENTICITY, String.valueOf(e.getMessage()), label, notes);
        return "identity not matched (logged only)";
      }
      for (int i = 0; i < statement.identities().size(); i++) {
        if (DistinguishedName.isSubset(statement.identities().get(i), subject)) {
          return "identity \"" + statement.trustedIdentities().get(i) + "\"";
        }
      }
      failed(
          Check.AUTHENTICITY,
          "the signing certificate subject "
              + CertChains.name(leaf)
              + " matches none of the trustedIdentities "
              + statement.trustedIdentities(),
          label,
          notes);
      return "identity not matched (logged only)";
    }

    private void expiry(SignerInfo info, String label, List<String> notes) throws Refusal {
      Instant expiry = info.expiry();
      if (expiry != null && !now.isBefore(expiry)) {
        failed(
            Check.EXPIRY,
            "the signature expired at " + expiry + " (verification time " + now + ")",
            label,
            notes);
      }
    }

    private String authenticTimestamp(SignerInfo info, String label, List<String> notes)
        throws Refusal {
      if (statement.action(Check.AUTHENTIC_TIMESTAMP) == Action.SKIP) {
        return "";
      }
      if (info.signingScheme().equals(SignerInfo.SCHEME_SIGNING_AUTHORITY)) {
        Instant t = Objects.requireNonNull(info.authenticSigningTime());
        String outside = outsideValidity(info.chain(), t, t);
        if (outside != null) {
          failed(
              Check.AUTHENTIC_TIMESTAMP,
              "the authentic signing time " + t + " is outside the validity of " + outside,
              label,
              notes);
        }
        return "authentic signing time " + t;
      }
      List<StoreRef> tsaRefs = statement.stores("tsa");
      boolean useTimestamp = !tsaRefs.isEmpty();
      if (useTimestamp && statement.verifyTimestamp().equals("afterCertExpiry")) {
        useTimestamp =
            info.chain().stream().anyMatch(c -> now.isAfter(c.getNotAfter().toInstant()));
      }
      if (!useTimestamp) {
        String outside = outsideValidity(info.chain(), now, now);
        if (outside != null) {
          failed(
              Check.AUTHENTIC_TIMESTAMP,
              "at the verification time "
                  + now
                  + " (no timestamp applies) the chain is not valid: "
                  + outside,
              label,
              notes);
        }
        return "";
      }
      byte[] token = info.timestampToken();
      if (token == null) {
        failed(
            Check.AUTHENTIC_TIMESTAMP,
            "the trust policy requires a timestamp ("
                + tsaRefs
                + ") but the signature has no"
                + " RFC 3161 countersignature",
            label,
            notes);
        return "";
      }
      List<X509Certificate> roots = new ArrayList<>();
      List<String> storeErrors = new ArrayList<>();
      for (StoreRef ref : tsaRefs) {
        try {
          roots.addAll(certificates(ref));
        } catch (Malformed e) {
          storeErrors.add(e.getMessage());
        }
      }
      if (roots.isEmpty()) {
        failed(
            Check.AUTHENTIC_TIMESTAMP,
            "no usable tsa trust store: " + String.join("; ", storeErrors),
            label,
            notes);
        return "";
      }
      Timestamps.Verified ts;
      try {
        ts = Timestamps.verify(token, info.signature(), roots);
      } catch (Malformed e) {
        failed(Check.AUTHENTIC_TIMESTAMP, String.valueOf(e.getMessage()), label, notes);
        return "";
      }
      String outside = outsideValidity(info.chain(), ts.earliest(), ts.latest());
      if (outside != null) {
        failed(
            Check.AUTHENTIC_TIMESTAMP,
            "the timestamp ["
                + ts.earliest()
                + ", "
                + ts.latest()
                + "] is not within the validity of "
                + outside,
            label,
            notes);
        return "";
      }
      if (CertChains.isRevocable(ts.tsa())) {
        notes.add(
            label
                + ": the revocation status of the TSA certificate "
                + CertChains.name(ts.tsa())
                + " was not checked (doco verifies offline; no OCSP or CRL queries)");
      }
      return "timestamped at "
          + ts.earliest()
          + ".."
          + ts.latest()
          + " by "
          + CertChains.name(ts.tsa());
    }

    private void revocation(SignerInfo info, String label, List<String> notes) throws Refusal {
      Action action = statement.action(Check.REVOCATION);
      if (action == Action.SKIP) {
        notes.add(label + ": revocation not checked (skipped by the trust policy)");
        return;
      }
      List<X509Certificate> chain = info.chain();
      List<String> revocable = new ArrayList<>();
      for (int i = 0; i < chain.size(); i++) {
        X509Certificate c = chain.get(i);
        boolean root = i == chain.size() - 1 && chain.size() > 1;
        if (!root && CertChains.isRevocable(c)) {
          revocable.add(CertChains.name(c));
        }
      }
      if (revocable.isEmpty()) {
        notes.add(
            label
                + ": revocation not applicable: no certificate in the chain names an OCSP"
                + " responder or CRL distribution point (non-revocable, as Notation treats it)");
        return;
      }
      failed(
          Check.REVOCATION,
          "revocation status unknown: "
              + String.join(", ", revocable)
              + " name(s) OCSP/CRL endpoints, but doco verifies offline and does not query"
              + " them; Notation counts an unknown status as a revocation failure. To accept"
              + " without a revocation check, set \"override\": {\"revocation\": \"log\"} (or"
              + " \"skip\") in trust policy statement \""
              + statement.name()
              + "\"",
          label,
          notes);
    }

    @SuppressWarnings("unchecked")
    private List<X509Certificate> certificates(StoreRef ref) throws Malformed {
      Object cached = loaded.get(ref);
      if (cached == null) {
        try {
          cached = store.certificates(ref);
        } catch (Malformed e) {
          cached = e;
        }
        loaded.put(ref, cached);
      }
      if (cached instanceof Malformed e) {
        throw e;
      }
      return (List<X509Certificate>) cached;
    }
  }

  /** The first certificate whose validity does not cover {@code [from, to]}, described; or null. */
  private static @Nullable String outsideValidity(
      List<X509Certificate> chain, Instant from, Instant to) {
    for (X509Certificate c : chain) {
      Instant nb = c.getNotBefore().toInstant();
      Instant na = c.getNotAfter().toInstant();
      if (from.isBefore(nb)) {
        return "certificate " + CertChains.name(c) + " (valid from " + nb + ")";
      }
      if (to.isAfter(na)) {
        return "certificate " + CertChains.name(c) + " (expired at " + na + ")";
      }
    }
    return null;
  }

  private static String describe(String mediaType, String digest, long size) {
    return "{mediaType " + mediaType + ", digest " + digest + ", size " + size + "}";
  }

  static String fingerprint(X509Certificate c) {
    try {
      return "sha256:"
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
    } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String chainDescription(List<X509Certificate> chain) {
    Set<String> parts = new LinkedHashSet<>();
    for (X509Certificate c : chain) {
      parts.add(CertChains.name(c) + " " + fingerprint(c));
    }
    return String.join(", ", parts);
  }
}
