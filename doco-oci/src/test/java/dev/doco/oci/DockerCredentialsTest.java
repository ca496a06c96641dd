package dev.doco.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerCredentialsTest {
  @TempDir Path home;

  Path dockerConfig(String json) throws IOException {
    Path dir = home.resolve(".docker");
    Files.createDirectories(dir);
    return Files.writeString(dir.resolve("config.json"), json);
  }

  DockerCredentials creds() {
    return DockerCredentials.fromEnvironment(
        Map.of("HOME", home.toString(), "PATH", home.resolve("bin") + ":/usr/bin:/bin"),
        Duration.ofSeconds(5));
  }

  static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  /** A docker-credential-NAME script answering {@code body} with exit code {@code exit}. */
  void helper(String name, String script) throws IOException {
    Path bin = Files.createDirectories(home.resolve("bin"));
    Path p = bin.resolve("docker-credential-" + name);
    Files.writeString(p, "#!/bin/sh\n" + script + "\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @Test
  void auths_authField_forDockerHubKey() throws IOException {
    dockerConfig(
        "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\""
            + b64("hubuser:hubpw")
            + "\"}}}");
    Credential c = creds().find(Reference.DOCKER_HUB, "library/alpine").orElseThrow();
    assertEquals("hubuser", c.username());
    assertEquals("hubpw", c.password());
    assertTrue(c.source().contains("auths[https://index.docker.io/v1/]"), c.source());
    assertFalse(c.toString().contains("hubpw"), "toString hides the secret");
  }

  @Test
  void auths_usernamePassword_identityToken_registryToken() throws IOException {
    dockerConfig(
        "{\"auths\":{"
            + "\"a.io\":{\"username\":\"u\",\"password\":\"p\"},"
            + "\"https://b.io\":{\"auth\":\""
            + b64("x:y")
            + "\",\"identitytoken\":\"idt\"},"
            + "\"c.io\":{\"registrytoken\":\"rt\"},"
            + "\"d.io\":{}}}");
    DockerCredentials d = creds();
    assertEquals("p", d.find("a.io", "r").orElseThrow().password());
    assertEquals("idt", d.find("b.io", "r").orElseThrow().identityToken());
    assertEquals("rt", d.find("c.io", "r").orElseThrow().registryToken());
    assertEquals(Optional.empty(), d.find("d.io", "r"), "empty entry = anonymous");
    assertEquals(Optional.empty(), d.find("e.io", "r"));
  }

  @Test
  void dockerConfigEnv_winsOverHome_andRepoScopedKeysMatchMostSpecificFirst() throws IOException {
    dockerConfig("{\"auths\":{\"a.io\":{\"auth\":\"" + b64("home:h") + "\"}}}");
    Path other = Files.createDirectories(home.resolve("other"));
    Files.writeString(
        other.resolve("config.json"),
        "{\"auths\":{\"a.io\":{\"auth\":\""
            + b64("env:e")
            + "\"},"
            + "\"a.io/team/app\":{\"auth\":\""
            + b64("team:t")
            + "\"}}}");
    DockerCredentials d =
        DockerCredentials.fromEnvironment(
            Map.of("HOME", home.toString(), "DOCKER_CONFIG", other.toString()));
    assertEquals("team", d.find("a.io", "team/app").orElseThrow().username());
    assertEquals("env", d.find("a.io", "team/other").orElseThrow().username());
  }

  @Test
  void credHelpers_runHelperWithServerUrlOnStdin() throws IOException {
    // the helper answers only for exactly "reg.io" on stdin (no newline)
    helper(
        "test",
        "[ \"$1\" = get ] || exit 3\nread -r url || true\n"
            + "if [ \"$url\" = reg.io ]; then echo '{\"ServerURL\":\"reg.io\",\"Username\":\"hu\",\"Secret\":\"hs\"}';"
            + " else echo 'credentials not found in native keychain'; exit 1; fi");
    dockerConfig(
        "{\"credHelpers\":{\"reg.io\":\"test\",\"other.io\":\"test\"},\"auths\":{\"other.io\":{\"auth\":\""
            + b64("fromauths:x")
            + "\"}}}");
    Credential c = creds().find("reg.io", "r").orElseThrow();
    assertEquals("hu", c.username());
    assertEquals("hs", c.password());
    assertEquals("credential helper docker-credential-test", c.source());
    assertEquals(
        "fromauths",
        creds().find("other.io", "r").orElseThrow().username(),
        "helper said not found: auths are next");
  }

  @Test
  void credsStore_tokenUserMeansIdentityToken_andHubServerUrl() throws IOException {
    helper(
        "store",
        "read -r url || true\n"
            + "if [ \"$url\" = https://index.docker.io/v1/ ]; then echo '{\"Username\":\"<token>\",\"Secret\":\"refresh\"}'; else exit 1; fi");
    dockerConfig("{\"credsStore\":\"store\",\"auths\":{\"https://index.docker.io/v1/\":{}}}");
    Credential c = creds().find(Reference.DOCKER_HUB, "library/x").orElseThrow();
    assertEquals("refresh", c.identityToken());
  }

  @Test
  void helperFailure_isAnErrorWithoutSecrets() throws IOException {
    helper("broken", "echo 'boom: keyring locked' >&2\nexit 2");
    dockerConfig("{\"credHelpers\":{\"reg.io\":\"broken\"}}");
    CredentialException e =
        assertThrows(CredentialException.class, () -> creds().find("reg.io", "r"));
    assertTrue(e.getMessage().contains("exit code 2"), e.getMessage());
    assertTrue(e.getMessage().contains("keyring locked"), e.getMessage());
  }

  @Test
  void helperTimeout_isReported() throws IOException {
    helper("slow", "sleep 30");
    dockerConfig("{\"credHelpers\":{\"reg.io\":\"slow\"}}");
    DockerCredentials d =
        DockerCredentials.fromEnvironment(
            Map.of("HOME", home.toString(), "PATH", home.resolve("bin") + ":/usr/bin:/bin"),
            Duration.ofMillis(500));
    CredentialException e = assertThrows(CredentialException.class, () -> d.find("reg.io", "r"));
    assertTrue(e.getMessage().contains("did not answer"), e.getMessage());
  }

  @Test
  void missingHelperBinary_meansNoCredentials() throws IOException {
    dockerConfig("{\"credHelpers\":{\"reg.io\":\"nonexistent\"}}");
    assertEquals(Optional.empty(), creds().find("reg.io", "r"));
  }

  @Test
  void podmanAuthJson_isConsultedAfterDocker() throws IOException {
    Path runtime = Files.createDirectories(home.resolve("run/containers"));
    Files.writeString(
        runtime.resolve("auth.json"),
        "{\"auths\":{\"quay.io/org\":{\"auth\":\"" + b64("pod:man") + "\"}}}");
    DockerCredentials d =
        DockerCredentials.fromEnvironment(
            Map.of("HOME", home.toString(), "XDG_RUNTIME_DIR", home.resolve("run").toString()));
    assertEquals("pod", d.find("quay.io", "org/app").orElseThrow().username());
    assertEquals(Optional.empty(), d.find("quay.io", "other/app"));
  }

  @Test
  void invalidConfig_failsWithFileName() throws IOException {
    Path f = dockerConfig("{not json");
    CredentialException e =
        assertThrows(CredentialException.class, () -> creds().find("a.io", "r"));
    assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("is invalid"), e.getMessage());
  }

  @Test
  void dockerAuthConfigEnv_winsOverConfigJson_andFallsBackToItForOtherRegistries()
      throws IOException {
    dockerConfig(
        "{\"auths\":{\"a.io\":{\"auth\":\""
            + b64("file:f")
            + "\"},\"b.io\":{\"auth\":\""
            + b64("fileb:fb")
            + "\"}}}");
    String inline =
        "{\"auths\":{\"https://a.io/v2/\":{\"auth\":\""
            + b64("inline:secret-i")
            + "\"},\"https://index.docker.io/v1/\":{\"username\":\"hub\",\"password\":\"h\"}}}";
    DockerCredentials d =
        DockerCredentials.fromEnvironment(
            Map.of("HOME", home.toString(), "DOCKER_AUTH_CONFIG", inline));
    Credential a = d.find("a.io", "r").orElseThrow();
    assertEquals("inline", a.username());
    assertEquals("DOCKER_AUTH_CONFIG auths[https://a.io/v2/]", a.source());
    assertEquals("fileb", d.find("b.io", "r").orElseThrow().username(), "config.json next");
    assertEquals("hub", d.find(Reference.DOCKER_HUB, "library/alpine").orElseThrow().username());
    assertEquals(Optional.empty(), d.find("c.io", "r"));
    assertFalse(d.toString().contains("secret-i"), d.toString());
    assertTrue(d.toString().contains("DOCKER_AUTH_CONFIG"), d.toString());
  }

  @Test
  void dockerAuthConfigEnv_invalidJson_failsNamingTheVariableWithoutItsContent() {
    DockerCredentials d =
        DockerCredentials.fromEnvironment(
            Map.of("HOME", home.toString(), "DOCKER_AUTH_CONFIG", "{\"auths\":{\"a.io\":s3cr3t"));
    CredentialException e = assertThrows(CredentialException.class, () -> d.find("a.io", "r"));
    assertTrue(e.getMessage().startsWith("DOCKER_AUTH_CONFIG is invalid: "), e.getMessage());
    assertTrue(e.getMessage().contains("or unset it"), e.getMessage());
    assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
  }

  @Test
  void dockerAuthConfigEnv_blank_isIgnored() throws IOException {
    dockerConfig("{\"auths\":{\"a.io\":{\"auth\":\"" + b64("file:f") + "\"}}}");
    DockerCredentials d =
        DockerCredentials.fromEnvironment(
            Map.of("HOME", home.toString(), "DOCKER_AUTH_CONFIG", "  "));
    assertEquals("file", d.find("a.io", "r").orElseThrow().username());
  }

  @Test
  void nothingConfigured_isAnonymous() {
    assertEquals(Optional.empty(), creds().find("a.io", "r"));
  }
}
