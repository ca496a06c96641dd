package dev.doco.oci.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.doco.core.ConfigException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class InsecureRegistriesTest {

  @Test
  void parse_trimsLowercasesAndDeduplicates() {
    InsecureRegistries r =
        InsecureRegistries.parse(" Reg.Local:5000 , reg.local:5000,other.lan,, [::1]:80");
    assertEquals(Set.of("reg.local:5000", "other.lan", "[::1]:80"), r.entries());
    assertTrue(r.allows("reg.local:5000"));
    assertFalse(r.allows("reg.local:5001"), "port given: only that port");
    assertTrue(r.allows("other.lan:8443"), "no port: any port");
    assertFalse(r.allows("ghcr.io"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "http://reg:5000 | expected host[:port]",
        "reg/path | expected host[:port]",
        "user@reg | expected host[:port]",
        "reg?x | expected host[:port]",
        "reg#x | expected host[:port]",
        "reg: | invalid port",
        "reg:0 | invalid port",
        "reg:65536 | invalid port",
        "reg:abc | invalid port",
        "re_g | expected host[:port]",
      })
  void parse_invalidEntries_failLikeDocoCd(String entry, String fragment) {
    ConfigException e =
        assertThrows(ConfigException.class, () -> InsecureRegistries.parse("ok.lan," + entry));
    assertTrue(e.getMessage().contains("failed to parse OCI_INSECURE_REGISTRIES"), e.getMessage());
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
    assertTrue(e.getMessage().contains(entry.trim()), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "localhost",
        "localhost:5000",
        "a.localhost:1",
        "127.0.0.1:5000",
        "127.0.0.2",
        "[::1]:5000"
      })
  void allows_loopbackAlways(String registry) {
    assertTrue(InsecureRegistries.loopbackOnly().allows(registry));
  }

  @ParameterizedTest
  @ValueSource(strings = {"ghcr.io", "10.0.0.1:5000", "192.168.1.2", "localhost.example.com"})
  void allows_notOtherwise(String registry) {
    assertFalse(InsecureRegistries.loopbackOnly().allows(registry));
  }

  @Test
  void ipLiterals_internalDetection() {
    for (String h :
        List.of(
            "10.1.2.3",
            "172.16.0.1",
            "192.168.0.1",
            "127.0.0.1",
            "169.254.169.254",
            "0.0.0.0",
            "[fd00::1]",
            "::1")) {
      assertTrue(InsecureRegistries.IpLiterals.isInternal(h), h);
    }
    for (String h : List.of("8.8.8.8", "ghcr.io", "[2001:db8::1]")) {
      assertFalse(InsecureRegistries.IpLiterals.isInternal(h), h);
    }
  }
}
