package dev.doco.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReferenceTest {
  static final String H = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  static final String H512 = H + H;

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      value = {
        // input | registry | repository | tag | digest | toString
        // --- every example of oci-clients.md §3.1 ---
        "ubuntu | index.docker.io | library/ubuntu | latest | - | index.docker.io/library/ubuntu:latest",
        "docker.io/foo/bar | index.docker.io | foo/bar | latest | - | index.docker.io/foo/bar:latest",
        "myhost/foo | index.docker.io | myhost/foo | latest | - | index.docker.io/myhost/foo:latest",
        "localhost/foo | localhost | foo | latest | - | localhost/foo:latest",
        "localhost:5000/foo:1.0 | localhost:5000 | foo | 1.0 | - | localhost:5000/foo:1.0",
        "ghcr.io/org/app:v1@sha256:"
            + H
            + " | ghcr.io | org/app | v1 | sha256:"
            + H
            + " | ghcr.io/org/app:v1@sha256:"
            + H,
        "Example.COM/app | Example.COM | app | latest | - | Example.COM/app:latest",
        "oci://ghcr.io/x | ghcr.io | x | latest | - | ghcr.io/x:latest",
        // --- Docker Hub aliases and library/ ---
        "docker.io/ubuntu | index.docker.io | library/ubuntu | latest | - | index.docker.io/library/ubuntu:latest",
        "index.docker.io/library/ubuntu:22.04 | index.docker.io | library/ubuntu | 22.04 | - | index.docker.io/library/ubuntu:22.04",
        "registry-1.docker.io/x | index.docker.io | library/x | latest | - | index.docker.io/library/x:latest",
        "registry.hub.docker.com/org/x:1 | index.docker.io | org/x | 1 | - | index.docker.io/org/x:1",
        "DOCKER.IO/org/x | index.docker.io | org/x | latest | - | index.docker.io/org/x:latest",
        // --- registry rule: localhost, dot, colon ---
        "host:5000/repo | host:5000 | repo | latest | - | host:5000/repo:latest",
        "127.0.0.1:5000/doco/cfg:main | 127.0.0.1:5000 | doco/cfg | main | - | 127.0.0.1:5000/doco/cfg:main",
        "[::1]:5000/foo | [::1]:5000 | foo | latest | - | [::1]:5000/foo:latest",
        "foo.localhost:8080/a/b/c:t | foo.localhost:8080 | a/b/c | t | - | foo.localhost:8080/a/b/c:t",
        "my-registry.example.com/a_b/c__d/e-f/g--h.i:T_1.x-y | my-registry.example.com | a_b/c__d/e-f/g--h.i | T_1.x-y | - | my-registry.example.com/a_b/c__d/e-f/g--h.i:T_1.x-y",
        // --- digests ---
        "ghcr.io/org/app@sha256:"
            + H
            + " | ghcr.io | org/app | - | sha256:"
            + H
            + " | ghcr.io/org/app@sha256:"
            + H,
        "ghcr.io/org/app@sha512:"
            + H512
            + " | ghcr.io | org/app | - | sha512:"
            + H512
            + " | ghcr.io/org/app@sha512:"
            + H512,
        "localhost:5000/app:1@sha256:"
            + H
            + " | localhost:5000 | app | 1 | sha256:"
            + H
            + " | localhost:5000/app:1@sha256:"
            + H,
        "alpine@sha256:"
            + H
            + " | index.docker.io | library/alpine | - | sha256:"
            + H
            + " | index.docker.io/library/alpine@sha256:"
            + H,
        // --- tags ---
        "ghcr.io/org/app:_x | ghcr.io | org/app | _x | - | ghcr.io/org/app:_x",
        "ghcr.io/org/app:V1.2.3-rc.1 | ghcr.io | org/app | V1.2.3-rc.1 | - | ghcr.io/org/app:V1.2.3-rc.1",
      })
  void parse_validReferences_normaliseLikeGgcr(
      String input, String registry, String repository, String tag, String digest, String text) {
    Reference r = Reference.parse(input);
    assertEquals(registry, r.registry());
    assertEquals(repository, r.repository());
    assertEquals(tag, r.tag());
    assertEquals(digest, r.digest());
    assertEquals(text, r.toString());
    assertEquals(r, Reference.parse(r.toString()), "round trip");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "ghcr.io/Org/app | 'Org' of 'Org/app' is invalid: repository names must be lowercase",
        "ubuntu: | the tag after ':' is empty",
        "'' | it is empty",
        "ghcr.io/a//b | empty path component",
        "ghcr.io/a..b | path component 'a..b'",
        "ghcr.io/-a | path component '-a'",
        "ghcr.io/a/ | empty path component",
        "ghcr.io/app:-x | tag '-x' is invalid",
        "ghcr.io/app:.x | tag '.x' is invalid",
        "ghcr.io/app:a+b | tag 'a+b' is invalid",
        "ghcr.io/app@sha256:abc | digest 'sha256:abc' is invalid: sha256 needs exactly 64",
        "ghcr.io/app@sha1:0123456789abcdef0123456789abcdef01234567 | digest algorithm 'sha1' is not supported",
        "ghcr.io/app@sha256 | has no algorithm",
        "ghcr.io/app@x@y | more than one '@'",
        "https://ghcr.io/app | URL scheme 'https://'",
        "ghcr.io/a b | whitespace",
        "bad_host.io/app | invalid host part 'bad_host'",
        "-bad.io/app | invalid host part '-bad'",
        "host:0/app | invalid port '0'",
        "host:99999/app | port above 65535",
        "host:/app | invalid port ''",
        "[::1/app | unclosed IPv6",
        "oci:// | it is empty",
      })
  void parse_invalidReferences_nameTheBadPart(String input, String fragment) {
    InvalidReferenceException e =
        assertThrows(InvalidReferenceException.class, () -> Reference.parse(input));
    assertTrue(
        e.getMessage().contains(fragment),
        () -> "message '" + e.getMessage() + "' lacks " + fragment);
    assertTrue(e.getMessage().contains("'" + input + "'"), "message quotes the input");
    assertEquals(input, e.reference());
  }

  @Test
  void parse_tagLongerThan128_isRefused() {
    String tag = "a".repeat(129);
    assertThrows(InvalidReferenceException.class, () -> Reference.parse("ghcr.io/x:" + tag));
    assertEquals(tag.substring(1), Reference.parse("ghcr.io/x:" + tag.substring(1)).tag());
  }

  @Test
  void parse_nameLongerThan255_isRefused() {
    String repo = "a/".repeat(130) + "b";
    InvalidReferenceException e =
        assertThrows(InvalidReferenceException.class, () -> Reference.parse("ghcr.io/" + repo));
    assertTrue(e.getMessage().contains("longer than 255"));
  }

  @Test
  void identifier_digestWinsOverTag() {
    Reference r = Reference.parse("ghcr.io/org/app:v1@sha256:" + H);
    assertEquals("sha256:" + H, r.identifier());
    assertEquals("v1", Reference.parse("ghcr.io/org/app:v1").identifier());
  }

  @Test
  void dockerHub_usesApiHostAndCredentialKey() {
    Reference hub = Reference.parse("alpine");
    assertEquals("registry-1.docker.io", hub.apiHost());
    assertEquals("https://index.docker.io/v1/", hub.credentialKey());
    Reference gh = Reference.parse("ghcr.io/a/b");
    assertEquals("ghcr.io", gh.apiHost());
    assertEquals("ghcr.io", gh.credentialKey());
    assertEquals("repository:library/alpine:pull", hub.scope("pull"));
  }

  @Test
  void withDigest_keepsTagForDisplay() {
    Reference r = Reference.parse("ghcr.io/a/b:main").withDigest("sha256:" + H);
    assertEquals("ghcr.io/a/b:main@sha256:" + H, r.toString());
    assertThrows(InvalidReferenceException.class, () -> r.withDigest("sha256:nothex"));
  }
}
