package dev.doco.core;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

final class DocoListeners {
  private static final Logger LOG = LoggerFactory.getLogger(DocoListeners.class);

  private DocoListeners() {}

  static void deliver(DocoListener listener, DocoEvent event) {
    try {
      listener.onEvent(event);
    } catch (RuntimeException e) {
      LOG.warn("event listener {} failed on {}", listener, event.getClass().getSimpleName(), e);
    }
  }
}
