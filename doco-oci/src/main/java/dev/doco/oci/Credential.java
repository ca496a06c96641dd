package dev.doco.oci;

import org.jspecify.annotations.Nullable;

/**
 * Credentials for one registry. Exactly one kind is set: username and password, an identity (OAuth2
 * refresh) token, or a registry (bearer) token. {@link #toString()} never shows a secret.
 *
 * @param username the user name (null for token kinds)
 * @param password the password (null for token kinds)
 * @param identityToken an OAuth2 refresh token (the {@code "identitytoken"} field of {@code
 *     config.json}, or a credential helper's answer with user name {@code <token>})
 * @param registryToken a bearer token sent to the registry as is (the {@code "registrytoken"}
 *     field)
 * @param source where the credential came from, for diagnostics (e.g. {@code
 *     /root/.docker/config.json auths[ghcr.io]}); never secret
 */
public record Credential(
    @Nullable String username,
    @Nullable String password,
    @Nullable String identityToken,
    @Nullable String registryToken,
    String source) {

  /** User name and password (or personal access token). */
  public static Credential basic(String username, String password, String source) {
    return new Credential(username, password, null, null, source);
  }

  /**
   * An OAuth2 refresh token, exchanged at the token realm with {@code grant_type=refresh_token}.
   */
  public static Credential identityToken(String token, String source) {
    return new Credential(null, null, token, null, source);
  }

  /** A bearer token for the registry itself. */
  public static Credential registryToken(String token, String source) {
    return new Credential(null, null, null, token, source);
  }

  /** True for user name and password. */
  public boolean isBasic() {
    return username != null && password != null;
  }

  @Override
  public String toString() {
    String kind =
        isBasic()
            ? "basic user=" + username
            : identityToken != null
                ? "identity-token"
                : registryToken != null ? "registry-token" : "empty";
    return "Credential[" + kind + ", from " + source + "]";
  }
}
