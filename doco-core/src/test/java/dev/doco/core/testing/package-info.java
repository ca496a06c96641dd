/**
 * Test support shared through doco-core's test-jar: {@link dev.doco.core.testing.Peers} hands
 * integration tests ({@code *IT}) the coordinates of the real peers started by {@code .ci/peers.sh}
 * (Docker engine, Compose v2, registries, cosign, oras, skopeo, a test image), {@link
 * dev.doco.core.testing.TokenServer} is the Bearer-token issuer for the token-auth registry, and
 * {@link dev.doco.core.testing.Exec} runs their command-line tools.
 */
@NullMarked
package dev.doco.core.testing;

import org.jspecify.annotations.NullMarked;
