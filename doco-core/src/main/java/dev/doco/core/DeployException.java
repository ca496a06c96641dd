package dev.doco.core;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A deployment command failed. Carries the deployment name, the command (argv), its exit code (or
 * -1 when it never ran or timed out) and the tail of its standard error.
 */
public class DeployException extends DocoException {
  private static final long serialVersionUID = 1L;

  private final String deployment;
  private final List<String> command;
  private final int exitCode;
  private final String stderrTail;

  public DeployException(
      String message,
      String deployment,
      List<String> command,
      int exitCode,
      String stderrTail,
      @Nullable Throwable cause) {
    super(message, cause);
    this.deployment = deployment;
    this.command = List.copyOf(command);
    this.exitCode = exitCode;
    this.stderrTail = stderrTail;
  }

  public DeployException(String message, String deployment) {
    this(message, deployment, List.of(), -1, "", null);
  }

  public String deployment() {
    return deployment;
  }

  public List<String> command() {
    return command;
  }

  public int exitCode() {
    return exitCode;
  }

  public String stderrTail() {
    return stderrTail;
  }
}
