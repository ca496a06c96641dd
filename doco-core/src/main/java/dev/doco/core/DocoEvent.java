package dev.doco.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Progress and outcome events, delivered to {@link DocoListener}s. One sealed family, so a {@code
 * switch} over it is checked for completeness.
 */
public sealed interface DocoEvent {

  /** A reference was resolved to a digest (no content downloaded). */
  record Resolved(String reference, String digest) implements DocoEvent {}

  /**
   * One HTTP exchange with a registry. The URL never contains credentials or tokens.
   *
   * @param retries how many retries preceded this final attempt
   */
  record HttpExchange(
      String method, String url, int status, long bytes, int retries, Duration duration)
      implements DocoEvent {}

  /**
   * Signature verification accepted {@code subject}; {@code matchedBy} names the key, identity or
   * certificate.
   */
  record VerificationPassed(String subject, String signature, String matchedBy)
      implements DocoEvent {}

  /** Signature verification refused {@code subject}; one reason per rule tried. */
  record VerificationFailed(String subject, List<String> reasons) implements DocoEvent {}

  /** Bytes of one blob downloaded so far; {@code total} is -1 when unknown. */
  record DownloadProgress(String digest, long done, long total) implements DocoEvent {}

  /** A revision was extracted and swapped into its checkout directory. */
  record Extracted(String digest, Path directory, long files, long bytes) implements DocoEvent {}

  /** A subprocess is about to run for a deployment. */
  record CommandStarted(String deployment, List<String> command) implements DocoEvent {
    public CommandStarted {
      command = List.copyOf(command);
    }
  }

  /** One line of a deployment command's output. */
  record DeployOutput(String deployment, Stream stream, String line) implements DocoEvent {}

  /** A deployment now runs {@code digest}. */
  record Deployed(String deployment, String digest, Duration duration) implements DocoEvent {}

  /**
   * A deployment was skipped; {@code reason} says why (e.g. digest and configuration unchanged).
   */
  record Skipped(String deployment, String digest, String reason) implements DocoEvent {}

  /** A deployment was destroyed. */
  record Destroyed(String deployment) implements DocoEvent {}

  /** A step failed; {@code subject} is a deployment name or a reference. */
  record Failed(String subject, Stage stage, String message) implements DocoEvent {}

  /** Output stream of a subprocess. */
  enum Stream {
    STDOUT,
    STDERR
  }

  /** Pipeline stage, for {@link Failed}. */
  enum Stage {
    RESOLVE,
    VERIFY,
    FETCH,
    CONFIG,
    DEPLOY,
    DESTROY
  }
}
