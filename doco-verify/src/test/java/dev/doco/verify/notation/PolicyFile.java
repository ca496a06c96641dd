package dev.doco.verify.notation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** Writes one-statement Notation trust policies for tests. */
record PolicyFile(
    String scope,
    String level,
    String override,
    List<String> stores,
    List<String> identities,
    String verifyTimestamp) {

  static PolicyFile strict(String scope, List<String> stores, List<String> identities) {
    return new PolicyFile(scope, "strict", "", stores, identities, "");
  }

  PolicyFile level(String l) {
    return new PolicyFile(scope, l, override, stores, identities, verifyTimestamp);
  }

  /** {@code override} as JSON members, e.g. {@code "expiry":"log"}. */
  PolicyFile override(String o) {
    return new PolicyFile(scope, level, o, stores, identities, verifyTimestamp);
  }

  PolicyFile stores(String... s) {
    return new PolicyFile(scope, level, override, List.of(s), identities, verifyTimestamp);
  }

  PolicyFile identities(String... i) {
    return new PolicyFile(scope, level, override, stores, List.of(i), verifyTimestamp);
  }

  PolicyFile scope(String s) {
    return new PolicyFile(s, level, override, stores, identities, verifyTimestamp);
  }

  PolicyFile verifyTimestamp(String v) {
    return new PolicyFile(scope, level, override, stores, identities, v);
  }

  String json() {
    return "{\"version\":\"1.0\",\"trustPolicies\":[{\"name\":\"test-statement\","
        + "\"registryScopes\":[\""
        + scope
        + "\"],\"signatureVerification\":{\"level\":\""
        + level
        + "\""
        + (override.isEmpty() ? "" : ",\"override\":{" + override + "}")
        + (verifyTimestamp.isEmpty() ? "" : ",\"verifyTimestamp\":\"" + verifyTimestamp + "\"")
        + "},\"trustStores\":"
        + quote(stores)
        + ",\"trustedIdentities\":"
        + quote(identities)
        + "}]}";
  }

  /** Writes {@code trustpolicy.oci.json} into {@code dir} and returns the file. */
  Path write(Path dir) throws IOException {
    Files.createDirectories(dir);
    return Files.writeString(dir.resolve("trustpolicy.oci.json"), json());
  }

  private static String quote(List<String> l) {
    return l.stream().map(s -> "\"" + s + "\"").collect(Collectors.joining(",", "[", "]"));
  }
}
