package dev.doco.core.engine.internal;

import dev.doco.core.Doco;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Lets the engine package reach a {@link Doco}'s {@link Engine} without making the engine public
 * API (the "shared secrets" pattern: {@code Doco} installs the accessor when its class
 * initializes).
 */
public final class EngineAccess {
  private static volatile @Nullable Function<Doco, Engine> accessor;

  private EngineAccess() {}

  /** Called once by {@link Doco}'s static initializer. */
  public static void install(Function<Doco, Engine> f) {
    if (accessor != null) {
      throw new IllegalStateException("engine accessor already installed");
    }
    accessor = f;
  }

  /** The engine behind {@code doco}. */
  public static Engine engine(Doco doco) {
    Function<Doco, Engine> f = accessor;
    if (f == null) {
      throw new IllegalStateException("Doco is not initialized");
    }
    return f.apply(doco);
  }
}
