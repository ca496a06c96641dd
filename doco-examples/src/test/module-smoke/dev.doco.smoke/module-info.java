/**
 * The module-path smoke test's application (run by doco-examples' ModulePathSmokeIT): a user's
 * module that requires every doco library module, so a missing {@code exports}, {@code uses}, {@code
 * provides} or {@code requires} in one of their {@code module-info.java} files fails CI.
 */
module dev.doco.smoke {
  requires dev.doco.core;
  requires dev.doco.oci;
  requires dev.doco.verify;
  requires dev.doco.compose;
}
