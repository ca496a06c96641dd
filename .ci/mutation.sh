#!/usr/bin/env bash
# Mutation testing (PIT, the parent pom's `mutation` profile) of the security-critical code, then the score per
# package: fails when a listed package scores under 85 % (or has no mutants, e.g. after a rename). Reports:
# <module>/target/pit-reports/index.html. Extra arguments go to Maven (e.g. -pl doco-oci to run one module).
set -euo pipefail
cd "$(dirname "$0")/.."
threshold="${DOCO_MUTATION_THRESHOLD:-85}"

# The packages whose score is checked (keep in step with the targetClasses of the mutation profile in pom.xml):
packages=(
  dev.doco.oci.extract             # archive extraction, path and link checks, checkout swap
  dev.doco.oci.internal.tar        # our tar reader (headers, PAX, names)
  dev.doco.oci.internal.registry   # digest verification (Digests, VerifyingInputStream)
  dev.doco.oci                     # reference parsing (Reference)
  dev.doco.verify                  # verifier rules (cosign + Notation, OR)
  dev.doco.verify.internal         # cosign, Sigstore bundles, Rekor, Fulcio certificate checks
  dev.doco.verify.notation         # Notation envelopes, certificate chains, trust policy
  dev.doco.core.engine.internal    # webhook HMAC validation (WebhookHandler)
  dev.doco.core.config             # trust-policy merging (TrustPolicies)
)

start=$SECONDS
mvn -B -ntp -Pmutation -pl doco-core,doco-oci,doco-verify "$@" \
  test-compile org.pitest:pitest-maven:mutationCoverage
echo "mutation: PIT took $((SECONDS - start)) s"
java .ci/MutationScores.java "$threshold" "${packages[@]}" -- \
  doco-core/target/pit-reports/mutations.xml \
  doco-oci/target/pit-reports/mutations.xml \
  doco-verify/target/pit-reports/mutations.xml
