package dev.doco.verify.internal;

import java.util.List;

/**
 * A signature that passed a rule.
 *
 * @param signature which signature, e.g. {@code cosign signature sha256:... layer 0 (tag
 *     sha256-....sig)}
 * @param notes what was and was not checked, for the result's notes
 */
public record Match(String signature, List<String> notes) {
  public Match {
    notes = List.copyOf(notes);
  }
}
