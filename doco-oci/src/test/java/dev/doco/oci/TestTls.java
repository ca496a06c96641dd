package dev.doco.oci;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** A self-signed server certificate for 127.0.0.1 made with the JDK's keytool, for HTTPS tests. */
record TestTls(SSLContext serverContext, Path caPem) {

  static TestTls create(Path dir) throws Exception {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Path ks = dir.resolve("server.p12");
    Path pem = dir.resolve("ca.pem");
    run(
        List.of(
            keytool.toString(),
            "-genkeypair",
            "-alias",
            "s",
            "-keyalg",
            "EC",
            "-groupname",
            "secp256r1",
            "-dname",
            "CN=127.0.0.1",
            "-ext",
            "san=ip:127.0.0.1,dns:localhost",
            "-validity",
            "2",
            "-storetype",
            "PKCS12",
            "-keystore",
            ks.toString(),
            "-storepass",
            "changeit",
            "-keypass",
            "changeit"));
    run(
        List.of(
            keytool.toString(),
            "-exportcert",
            "-rfc",
            "-alias",
            "s",
            "-keystore",
            ks.toString(),
            "-storepass",
            "changeit",
            "-file",
            pem.toString()));
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(ks)) {
      store.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, "changeit".toCharArray());
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    return new TestTls(ctx, pem);
  }

  private static void run(List<String> argv) throws Exception {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException(
          "keytool failed: " + new String(out, java.nio.charset.StandardCharsets.UTF_8));
    }
  }
}
