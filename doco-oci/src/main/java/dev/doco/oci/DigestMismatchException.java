package dev.doco.oci;

/**
 * Downloaded bytes do not match the digest (or size) they were requested by. Nothing of them was
 * kept.
 */
public class DigestMismatchException extends RegistryException {
  private static final long serialVersionUID = 1L;

  private final String expected;
  private final String actual;

  public DigestMismatchException(
      String message, String registry, String repository, String expected, String actual) {
    super(message, registry, repository, expected, 0, null, null);
    this.expected = expected;
    this.actual = actual;
  }

  /** The digest that was asked for. */
  public String expected() {
    return expected;
  }

  /** The digest (or size description) of what arrived. */
  public String actual() {
    return actual;
  }
}
