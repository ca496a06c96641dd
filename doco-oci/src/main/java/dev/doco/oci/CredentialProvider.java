package dev.doco.oci;

import java.util.Map;
import java.util.Optional;

/**
 * Finds the credentials for a registry repository. Returning empty means anonymous access.
 *
 * <p>Implementations are thread-safe and may be called on every token refresh (so short-lived
 * tokens written by a credential helper are picked up).
 */
@FunctionalInterface
public interface CredentialProvider {

  /**
   * The credential for {@code repository} on {@code registry} (canonical names, as in {@link
   * Reference}), or empty for anonymous access.
   *
   * @throws CredentialException when a configured source (a credential helper) fails
   */
  Optional<Credential> find(String registry, String repository);

  /** Always anonymous. */
  static CredentialProvider anonymous() {
    return (registry, repository) -> Optional.empty();
  }

  /** Fixed credentials per registry host[:port] (e.g. from a test or an API caller). */
  static CredentialProvider of(Map<String, Credential> byRegistry) {
    Map<String, Credential> copy = Map.copyOf(byRegistry);
    return (registry, repository) -> Optional.ofNullable(copy.get(registry));
  }

  /**
   * The docker CLI's lookup ({@code DOCKER_AUTH_CONFIG}; {@code DOCKER_CONFIG} or {@code
   * ~/.docker/config.json}: {@code credHelpers}, {@code auths}, {@code credsStore}; then Podman's
   * {@code auth.json}), reading paths from {@code env} ({@code DOCKER_CONFIG}, {@code HOME}, {@code
   * REGISTRY_AUTH_FILE}, {@code XDG_RUNTIME_DIR}, {@code XDG_CONFIG_HOME}, {@code PATH}).
   */
  static CredentialProvider docker(Map<String, String> env) {
    return DockerCredentials.fromEnvironment(env);
  }
}
