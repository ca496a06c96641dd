/**
 * Benchmark harnesses (run by hand, never by the build): see {@link
 * dev.doco.verify.bench.VerifyBench}.
 */
@NullMarked
package dev.doco.verify.bench;

import org.jspecify.annotations.NullMarked;
