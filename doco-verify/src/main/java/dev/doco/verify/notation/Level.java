package dev.doco.verify.notation;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/** Notation's signature verification levels and their default enforce-or-log table. */
enum Level {
  //         integrity       authenticity    authenticTimestamp expiry       revocation
  STRICT(Action.ENFORCE, Action.ENFORCE, Action.ENFORCE, Action.ENFORCE, Action.ENFORCE),
  PERMISSIVE(Action.ENFORCE, Action.ENFORCE, Action.LOG, Action.LOG, Action.LOG),
  AUDIT(Action.ENFORCE, Action.LOG, Action.LOG, Action.LOG, Action.LOG),
  SKIP(Action.SKIP, Action.SKIP, Action.SKIP, Action.SKIP, Action.SKIP);

  /** The validations Notation performs, in the order doco performs them. */
  enum Check {
    INTEGRITY("integrity"),
    AUTHENTICITY("authenticity"),
    EXPIRY("expiry"),
    AUTHENTIC_TIMESTAMP("authenticTimestamp"),
    REVOCATION("revocation");

    final String key;

    Check(String key) {
      this.key = key;
    }
  }

  /** What a failed check does: stop verification, be recorded and ignored, or not run at all. */
  enum Action {
    ENFORCE,
    LOG,
    SKIP
  }

  private final Map<Check, Action> table = new EnumMap<>(Check.class);

  Level(Action integrity, Action authenticity, Action timestamp, Action expiry, Action revocation) {
    table.put(Check.INTEGRITY, integrity);
    table.put(Check.AUTHENTICITY, authenticity);
    table.put(Check.AUTHENTIC_TIMESTAMP, timestamp);
    table.put(Check.EXPIRY, expiry);
    table.put(Check.REVOCATION, revocation);
  }

  Action defaultAction(Check check) {
    Action a = table.get(check);
    if (a == null) {
      throw new IllegalStateException("no action for " + check);
    }
    return a;
  }

  String key() {
    return name().toLowerCase(Locale.ROOT);
  }
}
