package dev.doco.oci;

import static org.junit.jupiter.api.Assertions.*;

import dev.doco.core.DocoEvent;
import dev.doco.core.Revision;
import dev.doco.core.spi.Checkout;
import dev.doco.core.spi.FetchOptions;
import dev.doco.core.testing.Exec;
import dev.doco.core.testing.Peer;
import dev.doco.core.testing.Peers;
import dev.doco.oci.pack.PackagedArtifact;
import dev.doco.oci.pack.Packager;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each shape real tools push (docker build+push, oras push files, oras push DIR, skopeo copy to an
 * OCI layout, oras push --oci-layout), pulled from the real registry or layout by {@link OciSource}
 * and compared file by file with the source directory; and doco's own packages read by {@code oras
 * pull} and {@code skopeo inspect}.
 */
class CheckoutShapesIT {
  private static final Duration T = Duration.ofMinutes(3);
  @TempDir Path tmp;
  Path src;
  String run;
  final List<DocoEvent> events = new CopyOnWriteArrayList<>();

  @BeforeEach
  void sourceDirectory() throws IOException {
    run = UUID.randomUUID().toString().substring(0, 8);
    src = tmp.resolve("cfg");
    Files.createDirectories(src.resolve("app/conf"));
    Files.writeString(src.resolve(".doco-cd.yaml"), "name: web\nversion: doco.v1\n");
    Files.writeString(src.resolve("compose.yaml"), "services:\n  web:\n    image: busybox\n");
    Files.writeString(src.resolve("app/conf/env"), "A=1\nB=2\n");
    Files.createSymbolicLink(src.resolve("current.env"), Path.of("app/conf/env"));
  }

  private OciSource source() {
    return OciSource.builder(tmp.resolve("data")).settings(Map.of()).listener(events::add).build();
  }

  static Map<String, String> tree(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (p.equals(root)) {
          continue;
        }
        String rel = root.relativize(p).toString();
        if (Files.isSymbolicLink(p)) {
          out.put(rel, "-> " + Files.readSymbolicLink(p));
        } else if (Files.isDirectory(p)) {
          out.put(rel + "/", "");
        } else {
          out.put(rel, Files.readString(p, StandardCharsets.ISO_8859_1));
        }
      }
    }
    return out;
  }

  private static String tool(String name) {
    return Peers.tool(name).toString();
  }

  private Checkout pull(String reference) {
    try (OciSource s = source()) {
      Revision r = s.resolve(reference);
      return s.fetch(r, s.checkoutDirectory(r), FetchOptions.DEFAULT);
    }
  }

  @Test
  void dockerBuildAndPush_rootfsDiffLayer_becomesTheSourceTree() throws IOException {
    Peers.require(Peer.REGISTRY, Peer.DOCKER);
    Path ctx = tmp.resolve("ctx");
    Exec.ok(T, null, Map.of(), List.of("cp", "-a", src.toString(), ctx.toString()));
    Files.writeString(ctx.resolve("Dockerfile"), "FROM scratch\nCOPY . /\n");
    Files.writeString(ctx.resolve(".dockerignore"), "Dockerfile\n.dockerignore\n");
    String ref = Peers.registry() + "/doco-it/docker:" + run;
    Exec.ok(
        T,
        ctx,
        Map.of("DOCKER_BUILDKIT", "0"),
        List.of(tool("docker"), "build", "-q", "-t", ref, "."));
    Exec.ok(T, null, Map.of(), List.of(tool("docker"), "push", ref));
    Exec.run(T, null, Map.of(), List.of(tool("docker"), "rmi", ref));
    Checkout c = pull(ref);
    assertEquals(tree(src), tree(c.directory()));
    assertTrue(c.directory().toString().contains("checkouts/127.0.0.1_5000/doco-it/docker/" + run));
  }

  @Test
  void orasPushOfFiles_rawTitledLayers_becomeFiles() throws IOException {
    Peers.require(Peer.REGISTRY, Peer.ORAS);
    String ref = Peers.registry() + "/doco-it/files:" + run;
    Exec.ok(
        T,
        src,
        Map.of(),
        List.of(
            tool("oras"),
            "push",
            "--plain-http",
            ref,
            ".doco-cd.yaml",
            "compose.yaml",
            "app/conf/env"));
    Checkout c = pull(ref);
    Map<String, String> expected = tree(src);
    expected.remove("current.env"); // not pushed
    assertEquals(expected, tree(c.directory()));
  }

  @Test
  void orasPushOfADirectory_isUnpackedWithoutItsPrefix() throws IOException {
    Peers.require(Peer.REGISTRY, Peer.ORAS);
    String ref = Peers.registry() + "/doco-it/dir:" + run;
    Exec.ok(T, tmp, Map.of(), List.of(tool("oras"), "push", "--plain-http", ref, "cfg"));
    Checkout c = pull(ref);
    assertEquals(tree(src), tree(c.directory()));
  }

  @Test
  void skopeoCopyToAnOciLayout_isReadByTheLayoutSource() throws IOException {
    Peers.require(Peer.REGISTRY, Peer.ORAS, Peer.SKOPEO);
    String ref = Peers.registry() + "/doco-it/forskopeo:" + run;
    Exec.ok(T, tmp, Map.of(), List.of(tool("oras"), "push", "--plain-http", ref, "cfg"));
    Path layout = tmp.resolve("skopeo-layout");
    Exec.ok(
        T,
        null,
        Map.of(),
        List.of(
            tool("skopeo"),
            "copy",
            "--src-tls-verify=false",
            "docker://" + ref,
            "oci:" + layout + ":v1"));
    Checkout c = pull("oci-layout:" + layout + ":v1");
    assertEquals(tree(src), tree(c.directory()));
  }

  @Test
  void orasPushToAnOciLayout_isReadByTheLayoutSource() throws IOException {
    Peers.require(Peer.ORAS);
    Path layout = tmp.resolve("oras-layout");
    Exec.ok(T, tmp, Map.of(), List.of(tool("oras"), "push", "--oci-layout", layout + ":v1", "cfg"));
    Checkout c = pull("oci-layout:" + layout + ":v1");
    assertEquals(tree(src), tree(c.directory()));
  }

  @Test
  void packagedArtifact_pushedMonolithic_isReadByOrasPullAndSkopeoInspect() throws IOException {
    Peers.require(Peer.REGISTRY, Peer.ORAS, Peer.SKOPEO);
    PackagedArtifact a =
        Packager.builder()
            .source("https://git.example/acme/cfg")
            .build()
            .pack(src, tmp.resolve("w"));
    String ref = Peers.registry() + "/doco-it/packed:" + run;
    List<DocoEvent> pushEvents = new CopyOnWriteArrayList<>();
    try (RegistryClient client =
        RegistryClient.builder().environment(Map.of()).listener(pushEvents::add).build()) {
      assertEquals(a.digest(), a.push(client, Reference.parse(ref), 0));
      Path out = Files.createDirectories(tmp.resolve("oras-out"));
      Exec.ok(T, out, Map.of(), List.of(tool("oras"), "pull", "--plain-http", ref));
      assertEquals(tree(src), tree(out));
      Exec.Result inspect =
          Exec.ok(
              T,
              null,
              Map.of(),
              List.of(tool("skopeo"), "inspect", "--tls-verify=false", "docker://" + ref));
      assertTrue(inspect.stdout().contains(a.digest()), inspect.stdout());
      assertTrue(inspect.stdout().contains("https://git.example/acme/cfg"), inspect.stdout());
      // a second push of the same package uploads no blob: only existence checks and the manifest
      pushEvents.clear();
      a.push(client, Reference.parse(ref), 0);
      List<String> uploads =
          pushEvents.stream()
              .filter(
                  e ->
                      e instanceof DocoEvent.HttpExchange h
                          && (h.method().equals("POST") || h.method().equals("PATCH")))
              .map(Object::toString)
              .toList();
      assertEquals(List.of(), uploads);
    }
  }

  @Test
  void packagedArtifact_pushedInChunks_isFetchedBack_andACacheHitDownloadsNothing()
      throws IOException {
    Peers.require(Peer.REGISTRY);
    PackagedArtifact a = Packager.builder().build().pack(src, tmp.resolve("w"));
    String ref = Peers.registry() + "/doco-it/chunked:" + run;
    try (RegistryClient client = RegistryClient.builder().environment(Map.of()).build()) {
      a.push(client, Reference.parse(ref), 64);
    }
    try (OciSource s = source()) {
      Revision r = s.resolve(ref);
      assertEquals(a.digest(), r.digest());
      Checkout c = s.fetch(r, s.checkoutDirectory(r), FetchOptions.DEFAULT);
      assertEquals(tree(src), tree(c.directory()));
      assertTrue(events.stream().anyMatch(e -> e instanceof DocoEvent.Extracted));
      events.clear();
      Object inode = Files.getAttribute(c.directory(), "unix:ino");
      Checkout again = s.fetch(r, c.directory(), FetchOptions.DEFAULT);
      List<DocoEvent> http =
          events.stream().filter(e -> e instanceof DocoEvent.HttpExchange).toList();
      assertEquals(List.of(), http, "a cached revision went to the registry");
      assertEquals(inode, Files.getAttribute(again.directory(), "unix:ino"));
    }
  }

  @Test
  void orasPullOfOurLayout_andOurFetchOfOrasPush_roundTrip() throws IOException {
    Peers.require(Peer.REGISTRY, Peer.ORAS);
    // ours -> layout -> oras copies it to the registry -> we pull it
    PackagedArtifact a = Packager.builder().build().pack(src, tmp.resolve("w"));
    Path layout = tmp.resolve("ours");
    a.writeLayout(layout, "v1");
    String ref = Peers.registry() + "/doco-it/copied:" + run;
    Exec.ok(
        T,
        null,
        Map.of(),
        List.of(tool("oras"), "cp", "--from-oci-layout", "--to-plain-http", layout + ":v1", ref));
    Checkout c = pull(ref);
    assertEquals(tree(src), tree(c.directory()));
    assertEquals(a.digest(), c.revision().digest());
  }
}
