package dev.doco.core.testing;

/** A real peer that an integration test needs; see {@link Peers#require(Peer...)}. */
public enum Peer {
  /** A Docker engine answering on {@code docker.host}, and the {@code docker} CLI. */
  DOCKER,
  /** Docker Compose v2 as a docker CLI plugin ({@code docker compose}); implies {@link #DOCKER}. */
  COMPOSE,
  /** The anonymous registry, {@link Peers#registry()}. */
  REGISTRY,
  /** The htpasswd (Basic auth) registry, {@link Peers#basicRegistry()}. */
  BASIC_REGISTRY,
  /**
   * The Bearer-token registry, {@link Peers#tokenRegistry()}, with the signing key of its token
   * issuer (the issuer itself runs in the test JVM: {@link Peers#startTokenServer()}).
   */
  TOKEN_REGISTRY,
  /** The {@code cosign} CLI. */
  COSIGN,
  /** The {@code oras} CLI. */
  ORAS,
  /** The {@code skopeo} CLI. */
  SKOPEO,
  /** The busybox test image {@link Peers#testImage()} in the anonymous registry. */
  TEST_IMAGE
}
