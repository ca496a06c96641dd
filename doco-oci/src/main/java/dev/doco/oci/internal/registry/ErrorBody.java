package dev.doco.oci.internal.registry;

import dev.doco.oci.internal.auth.Json;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The registry's JSON error body ({@code {"errors":[{"code","message"}]}}), if it sent one. */
public record ErrorBody(@Nullable String code, @Nullable String message) {

  public static ErrorBody parse(byte[] body) {
    try {
      Map<?, ?> m = Json.parseObject(body);
      List<?> errors = Json.list(m, "errors");
      if (errors != null && !errors.isEmpty() && errors.get(0) instanceof Map<?, ?> e) {
        return new ErrorBody(Json.string(e, "code"), Json.string(e, "message"));
      }
    } catch (java.io.IOException | RuntimeException e) {
      // not JSON: no code
    }
    return new ErrorBody(null, null);
  }

  /** {@code " (CODE: message)"} or empty. */
  public String suffix() {
    if (code == null && message == null) {
      return "";
    }
    return " ("
        + (code == null ? "" : code)
        + (code != null && message != null ? ": " : "")
        + (message == null ? "" : message)
        + ")";
  }
}
