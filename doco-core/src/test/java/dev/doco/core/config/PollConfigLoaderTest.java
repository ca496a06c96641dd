package dev.doco.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.doco.core.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PollConfigLoaderTest {
  private final List<String> warnings = new ArrayList<>();

  private List<PollConfig> parse(String yaml) {
    return PollConfigLoader.parse(yaml, "POLL_CONFIG", warnings::add);
  }

  private PollConfig one(String yaml) {
    List<PollConfig> l = parse(yaml);
    assertEquals(1, l.size());
    return l.get(0);
  }

  private ConfigException fails(String yaml) {
    return assertThrows(ConfigException.class, () -> parse(yaml));
  }

  // ---- TestParsePollInterval (doco-cd) and its message cases

  @Test
  void parseInterval_docoCdCases() {
    assertEquals(Duration.ofSeconds(300), PollConfigLoader.parseInterval(300));
    assertEquals(Duration.ofSeconds(300), PollConfigLoader.parseInterval(300L));
    assertEquals(Duration.ofSeconds(300), PollConfigLoader.parseInterval(300.0));
    assertEquals(Duration.ofSeconds(300), PollConfigLoader.parseInterval("300"));
    assertEquals(Duration.ofMinutes(5), PollConfigLoader.parseInterval("5m"));
    assertEquals(Duration.ofSeconds(90), PollConfigLoader.parseInterval("1m30s"));
    assertEquals(Duration.ZERO, PollConfigLoader.parseInterval("0s"));
    assertEquals(Duration.ofSeconds(3723), PollConfigLoader.parseInterval("1h2m3s"));
    assertEquals(Duration.ofSeconds(2), PollConfigLoader.parseInterval("1500ms500ms"));
    assertEquals(Duration.ofSeconds(90), PollConfigLoader.parseInterval("1.5m"));
    assertEquals(Duration.ofSeconds(120), PollConfigLoader.parseInterval(" 2m "));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "500ms|invalid interval value \"500ms\": must resolve to full seconds",
        "1.5s|invalid interval value \"1.5s\": must resolve to full seconds",
        "abc|invalid interval value \"abc\": must be seconds or a Go duration",
        "5|",
        "1.5|invalid interval value \"1.5\": must be seconds or a Go duration",
        "5 m|invalid interval value \"5 m\": must be seconds or a Go duration",
        "5d|invalid interval value \"5d\": must be seconds or a Go duration",
        "99999999999999999999|invalid interval value \"99999999999999999999\": out of range",
        "9999999h|invalid interval value \"9999999h\": out of range",
      })
  void parseInterval_badStrings_haveDocoCdMessages(String in, String message) {
    if (message == null) {
      assertEquals(Duration.ofSeconds(5), PollConfigLoader.parseInterval(in));
      return;
    }
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PollConfigLoader.parseInterval(in));
    assertEquals(message, e.getMessage());
  }

  @Test
  void parseInterval_wrongTypes() {
    assertEquals(
        "invalid interval type bool: expected number or string",
        assertThrows(IllegalArgumentException.class, () -> PollConfigLoader.parseInterval(true))
            .getMessage());
    assertEquals(
        "invalid interval value 1.5: must be a whole number of seconds",
        assertThrows(IllegalArgumentException.class, () -> PollConfigLoader.parseInterval(1.5))
            .getMessage());
    assertEquals(
        "invalid interval value: must not be empty",
        assertThrows(IllegalArgumentException.class, () -> PollConfigLoader.parseInterval("  "))
            .getMessage());
  }

  // ---- TestConfig_UnmarshalYAML_IntervalDuration / _UnmarshalJSON_IntervalVariants

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "300|300",
        "'300'|300",
        "5m|300",
        "\"1m30s\"|90",
        "600.0|600",
        "3m|180",
        "0|0",
        "0s|0",
        "'0'|0",
        "~|180",
        "1_200|1200",
      })
  void interval_inYaml(String written, long seconds) {
    PollConfig p = one("- source: oci\n  url: ghcr.io/o/r:main\n  interval: " + written + "\n");
    assertEquals(Duration.ofSeconds(seconds), p.interval());
  }

  @Test
  void interval_inJson() {
    List<PollConfig> l =
        parse(
            "[{\"source\":\"oci\",\"url\":\"ghcr.io/o/r:a\",\"interval\":60},"
                + "{\"source\":\"oci\",\"url\":\"ghcr.io/o/r:b\",\"interval\":\"2m\"},"
                + "{\"source\":\"oci\",\"url\":\"ghcr.io/o/r:c\",\"interval\":120.0}]");
    assertEquals(Duration.ofSeconds(60), l.get(0).interval());
    assertEquals(Duration.ofSeconds(120), l.get(1).interval());
    assertEquals(Duration.ofSeconds(120), l.get(2).interval());
  }

  @Test
  void interval_defaultIs180s() {
    assertEquals(Duration.ofSeconds(180), one("- source: oci\n  url: ghcr.io/o/r\n").interval());
  }

  @Test
  void interval_boolInYaml_isTypeError() {
    ConfigException e = fails("- source: oci\n  url: ghcr.io/o/r\n  interval: true\n");
    assertTrue(
        e.getMessage().contains("invalid interval type bool: expected number or string"),
        e.getMessage());
    assertEquals(3, e.line());
  }

  @Test
  void interval_fractionalFloatInYaml_isRejected() {
    assertTrue(
        fails("- source: oci\n  url: ghcr.io/o/r\n  interval: 30.5\n")
            .getMessage()
            .contains("must be a whole number of seconds"));
  }

  @ParameterizedTest
  @CsvSource({"5", "9s", "-20", "'-1m'"})
  void interval_belowMinimum_isTooLow(String written) {
    ConfigException e = fails("- source: oci\n  url: ghcr.io/o/r\n  interval: " + written + "\n");
    assertTrue(
        e.getMessage()
            .contains("invalid poll configuration: poll interval too low: must be at least 10s"),
        e.getMessage());
  }

  @Test
  void interval_exactlyTen_isAllowed() {
    assertEquals(
        Duration.ofSeconds(10),
        one("- source: oci\n  url: x.io/o/r\n  interval: 10s\n").interval());
  }

  @Test
  void interval_zero_disablesUnlessRunOnce() {
    assertFalse(one("- source: oci\n  url: x.io/o/r\n  interval: 0\n").enabled());
    PollConfig once = one("- source: oci\n  url: x.io/o/r\n  interval: 0\n  run_once: true\n");
    assertTrue(once.enabled());
    assertTrue(once.runOnce());
  }

  // ---- other keys

  @Test
  void url_isRequired() {
    ConfigException e = fails("- source: oci\n  interval: 60\n");
    assertTrue(
        e.getMessage().contains("invalid poll configuration: key not found: url"), e.getMessage());
    assertEquals(1, e.line());
  }

  @Test
  void url_invalidOciReference_isRejected() {
    ConfigException e = fails("- source: oci\n  url: not a ref\n");
    assertTrue(
        e.getMessage().contains("invalid OCI artifact reference: 'not a ref'"), e.getMessage());
    assertTrue(
        fails("- source: oci\n  url: ghcr.io/Org/Repo:main\n").getMessage().contains("lower-case"));
    assertTrue(
        fails("- source: oci\n  url: ghcr.io/o/r@sha256:abc\n").getMessage().contains("digest"));
    assertTrue(
        fails("- source: oci\n  url: ghcr.io/o/r:bad/tag!\n").getMessage().contains("reference"));
  }

  @ParameterizedTest
  @CsvSource({
    "ghcr.io/myorg/config:main,main",
    "ghcr.io/myorg/config:v1.2.3,v1.2.3",
    "ghcr.io/myorg/config:production,production",
    "ghcr.io/myorg/config,latest",
    "localhost:5000/ns/repo:develop,develop",
    "localhost:5000/ns/repo,latest",
    "oci://127.0.0.1:5000/cfg:stable,stable",
    "oci-layout:/srv/layout:v2,v2",
    "busybox,latest",
  })
  void reference_isDerivedFromTheUrl_forOci(String url, String tag) {
    PollConfig p = one("- source: oci\n  url: " + url + "\n");
    assertEquals(tag, p.reference());
  }

  @Test
  void reference_isTheDigest_forDigestUrls() {
    String digest = "sha256:" + "a".repeat(64);
    assertEquals(digest, one("- source: oci\n  url: ghcr.io/o/r@" + digest + "\n").reference());
  }

  @Test
  void reference_writtenOnOciEntry_isIgnoredWithWarning() {
    PollConfig p = one("- source: oci\n  url: ghcr.io/o/r:main\n  reference: dev\n");
    assertEquals("main", p.reference());
    assertTrue(
        warnings.get(0).contains("reference is ignored for OCI entries"), warnings.toString());
    assertTrue(warnings.get(0).contains("line 3"), warnings.toString());
  }

  @Test
  void gitEntry_defaultsAndWarning() {
    PollConfig p = one("- url: https://github.com/example/some-repo.git\n");
    assertEquals("git", p.source());
    assertEquals("refs/heads/main", p.reference());
    assertEquals(Duration.ofSeconds(180), p.interval());
    assertTrue(p.watch());
    assertTrue(warnings.get(0).contains("not supported by doco"), warnings.toString());
  }

  @Test
  void source_invalid_isRejected() {
    assertTrue(
        fails("- source: s3\n  url: x\n").getMessage().contains("invalid source type \"s3\""));
  }

  @Test
  void target_andWatch_areRead() {
    PollConfig p =
        one("- source: OCI\n  url: ghcr.io/o/r:main\n  target: staging\n  watch: false\n");
    assertEquals("oci", p.source());
    assertEquals("staging", p.target());
    assertFalse(p.watch());
    assertTrue(
        fails("- source: oci\n  url: ghcr.io/o/r\n  target: ../x\n")
            .getMessage()
            .contains("invalid target"));
  }

  @Test
  void unknownKey_isWarned() {
    one("- source: oci\n  url: ghcr.io/o/r\n  branch: main\n");
    assertTrue(warnings.get(0).contains("unknown key 'branch' in poll entry"), warnings.toString());
  }

  @Test
  void deployments_areTrustedValidatedAndGetTheTag() {
    PollConfig p =
        one(
            "- source: oci\n  url: ghcr.io/o/r:v3\n  deployments:\n"
                + "    - name: web\n      compose_files: [docker-compose.yml]\n"
                + "      oci: {verify: true}\n"
                + "    - name: api\n      reference: ignored\n");
    assertEquals(2, p.deployments().size());
    DeployConfig web = p.deployments().get(0);
    assertTrue(web.trusted());
    assertEquals("POLL_CONFIG", web.origin());
    assertEquals("v3", web.reference());
    assertEquals(List.of("docker-compose.yml"), web.composeFiles());
    assertEquals(Boolean.TRUE, web.trustedOverride().orElseThrow().verify());
    assertEquals("v3", p.deployments().get(1).reference());
    assertTrue(warnings.isEmpty(), warnings.toString());
  }

  @Test
  void deployments_gitEntry_keepTheirReferenceOrGetThePolls() {
    PollConfig p =
        one(
            "- url: https://e.com/a.git\n  reference: dev\n  deployments:\n"
                + "    - name: a\n    - name: b\n      reference: feature\n");
    assertEquals("dev", p.deployments().get(0).reference());
    assertEquals("feature", p.deployments().get(1).reference());
  }

  @Test
  void deployments_duplicateNames_areRejected() {
    ConfigException e =
        fails("- source: oci\n  url: ghcr.io/o/r\n  deployments:\n    - name: a\n    - name: a\n");
    assertTrue(e.getMessage().contains("duplicate project/stack name"), e.getMessage());
    assertEquals(5, e.line());
  }

  @Test
  void deployments_invalid_namesTheLine() {
    ConfigException e =
        fails(
            "- source: oci\n  url: ghcr.io/o/r\n  deployments:\n    - name: a\n      timeout: x\n");
    assertEquals(5, e.line());
    assertEquals("POLL_CONFIG", e.file().orElseThrow());
  }

  @Test
  void rootMustBeAList() {
    assertTrue(fails("source: oci\nurl: x\n").getMessage().contains("list of poll entries"));
    assertEquals(List.of(), parse(""));
  }

  // ---- environment

  @Test
  void fromEnvironment_bothSet_isDocoCdsError() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                PollConfigLoader.fromEnvironment(
                    Map.of("POLL_CONFIG", "- url: x", "POLL_CONFIG_FILE", "/p.yaml")));
    assertEquals(
        "both POLL_CONFIG and POLL_CONFIG_FILE are set, please use one or the other",
        e.getMessage());
  }

  @Test
  void fromEnvironment_neither_isEmpty() {
    assertEquals(List.of(), PollConfigLoader.fromEnvironment(Map.of()));
  }

  @Test
  void fromEnvironment_file_isReadAndNamedInErrors(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("poll.yaml");
    Files.writeString(f, "- source: oci\n  url: ghcr.io/o/r:prod\n  interval: 5m\n");
    List<PollConfig> l = PollConfigLoader.fromEnvironment(Map.of("POLL_CONFIG_FILE", f.toString()));
    assertEquals("prod", l.get(0).reference());
    assertEquals(Duration.ofMinutes(5), l.get(0).interval());

    Files.writeString(f, "- source: oci\n  url: ghcr.io/o/r:prod\n  interval: 1s\n");
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> PollConfigLoader.fromEnvironment(Map.of("POLL_CONFIG_FILE", f.toString())));
    assertEquals(f.toString(), e.file().orElseThrow());
    assertEquals(3, e.line());

    assertThrows(
        ConfigException.class,
        () ->
            PollConfigLoader.fromEnvironment(
                Map.of("POLL_CONFIG_FILE", dir.resolve("nope").toString())));
  }

  @Test
  void fromEnvironment_inline() {
    List<PollConfig> l =
        PollConfigLoader.fromEnvironment(
            Map.of("POLL_CONFIG", "- source: oci\n  url: r.io/a/b:c\n"));
    assertEquals("r.io/a/b:c", l.get(0).url());
  }
}
