package dev.doco.core;

/**
 * Receives {@link DocoEvent}s: progress and outcomes of resolve, verify, fetch and deploy.
 *
 * <p>Called on the thread doing the work; implementations must be fast and thread-safe, and must
 * not throw (an exception is logged and ignored).
 */
@FunctionalInterface
public interface DocoListener {
  /** A listener that ignores everything. */
  DocoListener NONE = event -> {};

  void onEvent(DocoEvent event);

  /** Delivers to this listener, then to {@code other}. */
  default DocoListener andThen(DocoListener other) {
    return event -> {
      DocoListeners.deliver(this, event);
      DocoListeners.deliver(other, event);
    };
  }
}
