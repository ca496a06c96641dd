package dev.doco.examples.cli;

import dev.doco.core.DocoEvent;
import dev.doco.core.DocoListener;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Prints progress events: a progress bar per download on a terminal, plain lines otherwise (one per
 * finished download). Everything goes to standard error.
 */
final class Progress implements DocoListener {
  private final PrintStream err;
  private final boolean terminal;

  Progress(PrintStream err, boolean terminal) {
    this.err = err;
    this.terminal = terminal;
  }

  @Override
  public synchronized void onEvent(DocoEvent event) {
    if (event instanceof DocoEvent.Resolved r) {
      err.println("resolved   " + r.reference() + " -> " + r.digest());
    } else if (event instanceof DocoEvent.VerificationPassed v) {
      err.println(
          "verified   "
              + v.subject()
              + " (signature "
              + v.signature()
              + ", "
              + v.matchedBy()
              + ")");
    } else if (event instanceof DocoEvent.VerificationFailed v) {
      err.println("refused    " + v.subject());
      v.reasons().forEach(r -> err.println("           - " + r));
    } else if (event instanceof DocoEvent.DownloadProgress d) {
      download(d);
    } else if (event instanceof DocoEvent.Extracted x) {
      err.println(
          "extracted  " + x.files() + " files, " + human(x.bytes()) + " into " + x.directory());
    } else if (event instanceof DocoEvent.CommandStarted c) {
      err.println("run        " + DocoCli.Text.shell(c.command()));
    } else if (event instanceof DocoEvent.DeployOutput o) {
      err.println("  " + o.deployment() + " | " + o.line());
    } else if (event instanceof DocoEvent.Deployed d) {
      err.println("deployed   " + d.deployment() + " " + d.digest());
    } else if (event instanceof DocoEvent.Skipped s) {
      err.println("unchanged  " + s.deployment() + ": " + s.reason());
    } else if (event instanceof DocoEvent.Destroyed d) {
      err.println("destroyed  " + d.deployment());
    } else if (event instanceof DocoEvent.Failed f) {
      err.println(
          "failed     "
              + f.subject()
              + " ("
              + f.stage().name().toLowerCase(Locale.ROOT)
              + "): "
              + f.message());
    }
    // HttpExchange: registry chatter, for metrics only
  }

  private void download(DocoEvent.DownloadProgress d) {
    String id = d.digest().length() > 19 ? d.digest().substring(0, 19) : d.digest();
    boolean done = d.total() >= 0 && d.done() >= d.total();
    if (terminal) {
      int width = 30;
      int filled = d.total() > 0 ? (int) Math.min(width, d.done() * width / d.total()) : 0;
      err.print(
          "\rdownload   "
              + id
              + " ["
              + "#".repeat(filled)
              + " ".repeat(width - filled)
              + "] "
              + human(d.done())
              + (d.total() > 0 ? " / " + human(d.total()) : ""));
      if (done) {
        err.println();
      }
    } else if (done) {
      err.println("downloaded " + id + " (" + human(d.done()) + ")");
    }
  }

  static String human(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    if (bytes < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
  }
}
