package dev.doco.verify.bench;

import dev.doco.core.Revision;
import dev.doco.core.config.KeylessIdentity;
import dev.doco.core.config.TrustPolicy;
import dev.doco.core.spi.VerificationResult;
import dev.doco.core.testing.Exec;
import dev.doco.core.testing.Peers;
import dev.doco.verify.DocoVerifier;
import dev.doco.verify.testing.InMemoryArtifactAccess;
import dev.doco.verify.testing.LoopbackRegistry;
import dev.doco.verify.testing.Vectors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Time to verify one key-based and one keyless cosign signature on the loopback registry: doco's
 * verifier in a fresh JVM (whole process) and in-process once warm, side by side with {@code cosign
 * verify} on the same artifacts. Needs the peers ({@code .ci/peers.sh start}).
 *
 * <p>Run: {@code doco-verify/src/test/bench/run-verify-bench.sh} (compiles the tests, builds the
 * class path, runs this {@code main}). Prints a Markdown table.
 */
public final class VerifyBench {
  private static final int PROCESS_RUNS = 7;
  private static final int WARMUP = 30;
  private static final int WARM_RUNS = 100;

  private VerifyBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("once")) {
      once(args);
      return;
    }
    Path dir = Files.createTempDirectory("doco-verify-bench");
    String registry = Peers.registry();
    Path cosign = Peers.tool("cosign");
    Map<String, String> env = Map.of("COSIGN_PASSWORD", "", "HOME", dir.toString());

    // key-based: a fresh artifact signed by the real cosign (no tlog)
    LoopbackRegistry keyRepo =
        new LoopbackRegistry(
            registry, "doco-verify/bench-key-" + UUID.randomUUID().toString().substring(0, 8));
    String keyDigest = keyRepo.pushArtifact("main", "version: doco.v1\nbench: true\n");
    run(dir, env, List.of(cosign.toString(), "generate-key-pair"));
    run(
        dir,
        env,
        List.of(
            cosign.toString(),
            "sign",
            "--yes",
            "--key",
            "cosign.key",
            "--tlog-upload=false",
            "--allow-insecure-registry",
            keyRepo.repository() + "@" + keyDigest));

    // keyless: the public-good keyless vector (Fulcio cert + SCT + Rekor SET) served by the
    // registry
    LoopbackRegistry klRepo =
        new LoopbackRegistry(
            registry, "doco-verify/bench-keyless-" + UUID.randomUUID().toString().substring(0, 8));
    String klDigest = Vectors.digestOf(Vectors.bytes("cosign-classic/keyless/manifest.json"));
    InMemoryArtifactAccess staging = new InMemoryArtifactAccess(klRepo.repository());
    String sigManifest =
        staging.putManifest(
            Vectors.signatureManifest(
                staging,
                List.of(Vectors.signatureFile("cosign-classic/keyless/signature-1")),
                klDigest,
                false));
    klRepo.copyManifest(staging, sigManifest, klDigest.replace(':', '-') + ".sig");

    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> entries = new ArrayList<>();
    for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      entries.add(Path.of(e).toAbsolutePath().toString());
    }
    String cp = String.join(java.io.File.pathSeparator, entries);
    // cosign's offline keyless inputs (it would otherwise go to TUF): Rekor key, CT key, Fulcio
    Path rekorPub = dir.resolve("rekor.pub");
    Files.write(rekorPub, Vectors.bytes("cosign-classic/keys/rekor.pub"));
    TrustedRootPems.write(
        Vectors.bytes("trusted-roots/public-good.cosign-testdata.trusted_root.json"), dir);
    Map<String, String> cosignKeylessEnv =
        Map.of(
            "HOME", dir.toString(),
            "SIGSTORE_REKOR_PUBLIC_KEY", rekorPub.toString(),
            "SIGSTORE_CT_LOG_PUBLIC_KEY_FILE", dir.resolve("ctfe.pub").toString(),
            "SIGSTORE_ROOT_FILE", dir.resolve("fulcio_root.pem").toString());
    List<String> oursKey =
        List.of(
            javaBin,
            "-cp",
            cp,
            VerifyBench.class.getName(),
            "once",
            "key",
            registry,
            repoPath(keyRepo),
            keyDigest,
            dir.resolve("cosign.pub").toString());
    List<String> oursKeyless =
        List.of(
            javaBin,
            "-cp",
            cp,
            VerifyBench.class.getName(),
            "once",
            "keyless",
            registry,
            repoPath(klRepo),
            klDigest,
            "");
    List<String> cosignKey =
        List.of(
            cosign.toString(),
            "verify",
            "--key",
            "cosign.pub",
            "--insecure-ignore-tlog",
            "--allow-insecure-registry",
            keyRepo.repository() + "@" + keyDigest);
    List<String> cosignKeyless =
        List.of(
            cosign.toString(),
            "verify",
            "--certificate-identity",
            "mitr@redhat.com",
            "--certificate-oidc-issuer",
            "https://github.com/login/oauth",
            "--certificate-chain",
            dir.resolve("fulcio_intermediate.pem").toString(),
            "--offline",
            "--allow-insecure-registry",
            klRepo.repository() + "@" + klDigest);

    List<String[]> rows = new ArrayList<>();
    rows.add(
        row("key-based, doco-verify, fresh JVM (whole process)", processTimes(dir, env, oursKey)));
    rows.add(
        row(
            "key-based, `cosign verify --key --insecure-ignore-tlog` (whole process)",
            processTimes(dir, env, cosignKey)));
    rows.add(
        row(
            "key-based, doco-verify in-process, warm",
            warm(keyRepo, keyDigest, keyPolicy(dir.resolve("cosign.pub")))));
    rows.add(
        row(
            "keyless (Fulcio+SCT+SET), doco-verify, fresh JVM (whole process)",
            processTimes(dir, env, oursKeyless)));
    rows.add(
        row(
            "keyless, `cosign verify --certificate-identity ... --offline` with SIGSTORE_* key files (whole process)",
            processTimes(dir, cosignKeylessEnv, cosignKeyless)));
    rows.add(row("keyless, doco-verify in-process, warm", warm(klRepo, klDigest, keylessPolicy())));

    System.out.println();
    System.out.println("| what | runs | median ms | min ms | max ms |");
    System.out.println("|---|---|---|---|---|");
    for (String[] r : rows) {
      System.out.println("| " + String.join(" | ", r) + " |");
    }
  }

  /** PEM files for cosign's environment-variable trust inputs, from a trusted root. */
  private static final class TrustedRootPems {
    static void write(byte[] json, Path dir) throws Exception {
      dev.doco.verify.internal.TrustedRoot root =
          dev.doco.verify.internal.TrustedRoot.parse(json, "bench");
      var ct = root.ctlogs().get(root.ctlogs().size() - 1);
      Files.writeString(dir.resolve("ctfe.pub"), pem("PUBLIC KEY", ct.keyDer()));
      var ca = root.certificateAuthorities().get(root.certificateAuthorities().size() - 1);
      Files.writeString(
          dir.resolve("fulcio_root.pem"), pem("CERTIFICATE", ca.anchor().getEncoded()));
      Files.writeString(
          dir.resolve("fulcio_intermediate.pem"),
          pem("CERTIFICATE", ca.intermediates().get(0).getEncoded()));
    }

    static String pem(String type, byte[] der) {
      return "-----BEGIN "
          + type
          + "-----\n"
          + java.util.Base64.getMimeEncoder(
                  64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
              .encodeToString(der)
          + "\n-----END "
          + type
          + "-----\n";
    }
  }

  private static String repoPath(LoopbackRegistry r) {
    return r.repository().substring(r.repository().indexOf('/') + 1);
  }

  private static TrustPolicy keyPolicy(Path pub) throws Exception {
    return new TrustPolicy(true, List.of(Files.readString(pub)), List.of(), true, null, null);
  }

  private static TrustPolicy keylessPolicy() {
    return new TrustPolicy(
        true,
        List.of(),
        List.of(new KeylessIdentity("https://github.com/login/oauth", "mitr@redhat.com", "")),
        false,
        null,
        null);
  }

  private static Revision revision(LoopbackRegistry r, String digest) {
    return new Revision(
        r.repository() + "@" + digest,
        r.repository(),
        digest,
        digest,
        "application/vnd.oci.image.manifest.v1+json",
        Map.of());
  }

  /** One verification in this JVM; exit code 0 when accepted (the whole-process measurement). */
  private static void once(String[] a) throws Exception {
    LoopbackRegistry r = new LoopbackRegistry(a[2], a[3]);
    TrustPolicy p = a[1].equals("key") ? keyPolicy(Path.of(a[5])) : keylessPolicy();
    VerificationResult res = new DocoVerifier().verify(revision(r, a[4]), r, p);
    if (!res.accepted()) {
      System.err.println(res.attempts());
      System.exit(1);
    }
  }

  private static long[] warm(LoopbackRegistry r, String digest, TrustPolicy p) {
    DocoVerifier v = new DocoVerifier();
    Revision rev = revision(r, digest);
    for (int i = 0; i < WARMUP; i++) {
      check(v.verify(rev, r, p));
    }
    long[] t = new long[WARM_RUNS];
    for (int i = 0; i < WARM_RUNS; i++) {
      long s = System.nanoTime();
      check(v.verify(rev, r, p));
      t[i] = System.nanoTime() - s;
    }
    return t;
  }

  private static void check(VerificationResult r) {
    if (!r.accepted()) {
      throw new IllegalStateException("not accepted: " + r.attempts());
    }
  }

  private static long[] processTimes(Path dir, Map<String, String> env, List<String> argv) {
    long[] t = new long[PROCESS_RUNS];
    for (int i = 0; i < PROCESS_RUNS; i++) {
      long s = System.nanoTime();
      Exec.Result r = Exec.run(Duration.ofMinutes(2), dir, env, argv);
      t[i] = System.nanoTime() - s;
      if (r.exitCode() != 0) {
        System.err.println("FAILED: " + r.describe());
        return new long[0];
      }
    }
    return t;
  }

  private static void run(Path dir, Map<String, String> env, List<String> argv) {
    Exec.Result r = Exec.run(Duration.ofMinutes(2), dir, env, argv);
    if (r.exitCode() != 0) {
      throw new IllegalStateException(r.describe());
    }
  }

  private static String[] row(String what, long[] nanos) {
    if (nanos.length == 0) {
      return new String[] {what, "0", "failed", "-", "-"};
    }
    long[] s = nanos.clone();
    Arrays.sort(s);
    return new String[] {
      what, Integer.toString(s.length), ms(s[s.length / 2]), ms(s[0]), ms(s[s.length - 1])
    };
  }

  private static String ms(long nanos) {
    return String.format(Locale.ROOT, "%.1f", nanos / 1e6);
  }
}
