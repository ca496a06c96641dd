package dev.doco.oci;

import dev.doco.core.spi.ProviderContext;
import dev.doco.core.spi.Source;
import dev.doco.core.spi.SourceProvider;
import dev.doco.oci.extract.CheckoutStore;
import dev.doco.oci.extract.ExtractionLimits;
import java.util.Set;

/**
 * The {@code oci} source provider: registries ({@code oci} scheme and bare references) and OCI
 * image layouts ({@code oci-layout}). Settings: the registry client's (docker credentials, {@code
 * OCI_INSECURE_REGISTRIES}, proxies), the extraction budgets of {@link
 * ExtractionLimits#fromSettings}, and {@code DOCO_KEEP_REVISIONS} (default 3).
 */
public final class OciSourceProvider implements SourceProvider {
  /** The provider id. */
  public static final String ID = "oci";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Set<String> schemes() {
    return Set.of("oci", "oci-layout");
  }

  @Override
  public Source create(ProviderContext context) {
    int keep =
        context
            .setting("DOCO_KEEP_REVISIONS")
            .map(OciSourceProvider::positive)
            .orElse(CheckoutStore.DEFAULT_KEEP);
    return OciSource.builder(context.dataDirectory())
        .settings(context.settings())
        .listener(context.listener())
        .limits(ExtractionLimits.fromSettings(context.settings()))
        .keepRevisions(keep)
        .build();
  }

  private static int positive(String v) {
    try {
      int n = Integer.parseInt(v);
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new IllegalArgumentException(
        "DOCO_KEEP_REVISIONS=" + v + " must be a whole number of at least 1");
  }
}
