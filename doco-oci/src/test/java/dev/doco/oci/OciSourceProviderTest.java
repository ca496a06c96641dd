package dev.doco.oci;

import static org.junit.jupiter.api.Assertions.*;

import dev.doco.core.DocoListener;
import dev.doco.core.SourceException;
import dev.doco.core.spi.ProviderContext;
import dev.doco.core.spi.Source;
import dev.doco.core.spi.SourceProvider;
import dev.doco.oci.extract.ExtractionLimits;
import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OciSourceProviderTest {
  @TempDir Path data;

  @Test
  void serviceLoader_findsTheOciProvider_forBothSchemes() {
    SourceProvider p =
        ServiceLoader.load(SourceProvider.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(x -> x.id().equals("oci"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no 'oci' SourceProvider registered"));
    assertEquals(Set.of("oci", "oci-layout"), p.schemes());
    try (Source s = p.create(new ProviderContext(Map.of(), data, DocoListener.NONE))) {
      assertInstanceOf(OciSource.class, s);
    }
  }

  @Test
  void badKeepRevisionsSetting_isRejectedWithTheKey() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new OciSourceProvider()
                    .create(
                        new ProviderContext(
                            Map.of("DOCO_KEEP_REVISIONS", "zero"), data, DocoListener.NONE)));
    assertTrue(e.getMessage().contains("DOCO_KEEP_REVISIONS"), e.getMessage());
  }

  @Test
  void extractionBudgets_comeFromSettings() {
    ExtractionLimits l =
        ExtractionLimits.fromSettings(
            Map.of("DOCO_EXTRACT_MAX_BYTES", "2048", "DOCO_EXTRACT_MAX_ENTRIES", "7"));
    assertEquals(2048, l.maxTotalBytes());
    assertEquals(7, l.maxEntries());
    assertEquals(ExtractionLimits.DEFAULT.maxFileBytes(), l.maxFileBytes());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ExtractionLimits.fromSettings(Map.of("DOCO_EXTRACT_MAX_FILE_BYTES", "-1")));
    assertTrue(e.getMessage().contains("DOCO_EXTRACT_MAX_FILE_BYTES"), e.getMessage());
  }

  @Test
  void layoutReferenceToAMissingDirectory_saysWhatIsExpected() {
    try (OciSource s = OciSource.builder(data).settings(Map.of()).build()) {
      SourceException e =
          assertThrows(
              SourceException.class, () -> s.resolve("oci-layout:" + data.resolve("nope") + ":v1"));
      assertTrue(e.getMessage().contains("OCI image layout"), e.getMessage());
    }
  }
}
