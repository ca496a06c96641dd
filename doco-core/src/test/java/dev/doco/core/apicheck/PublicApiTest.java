package dev.doco.core.apicheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.doco.core.DocoException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * doco-core's public API (every public and protected type and member of its exported packages) must
 * match the checked-in {@code doco-core/api/doco-core.api}, so that any change to the API or SPI is
 * a visible diff in review. After an intended change, regenerate the file with {@code mvn -pl
 * doco-core test -Dtest=PublicApiTest -Ddoco.updateApi=true} and commit it.
 */
class PublicApiTest {
  private static final String REGENERATE =
      "If this API change is intended, regenerate the dump and commit it:\n"
          + "  mvn -B -pl doco-core test -Dtest=PublicApiTest -Ddoco.updateApi=true\n"
          + "  git add doco-core/api/doco-core.api";

  @Test
  void publicApi_matchesCheckedInDump() throws Exception {
    Path classes = classesDir();
    String actual = ApiDump.render(classes, PublicApiTest.class.getClassLoader());
    Path dump = moduleDir().resolve("api").resolve("doco-core.api");
    if (Boolean.getBoolean("doco.updateApi")) {
      Files.createDirectories(dump.getParent());
      Files.writeString(dump, actual, StandardCharsets.UTF_8);
      System.out.println("PublicApiTest: wrote " + dump);
      return;
    }
    if (!Files.exists(dump)) {
      fail("No API dump at " + dump + ".\n" + REGENERATE);
    }
    String expected = Files.readString(dump, StandardCharsets.UTF_8);
    if (!expected.equals(actual)) {
      fail(
          "doco-core's public API differs from "
              + dump
              + " (- only in the dump, + only in the code):\n"
              + diff(expected, actual)
              + "\n"
              + REGENERATE);
    }
  }

  @Test
  void dump_coversEveryExportedApiPackage() throws Exception {
    assertTrue(
        ApiDump.exportedPackages(classesDir())
            .containsAll(List.of("dev.doco.core", "dev.doco.core.spi", "dev.doco.core.config")),
        "the API, SPI and config packages are exported: " + ApiDump.exportedPackages(classesDir()));
    String text = ApiDump.render(classesDir(), PublicApiTest.class.getClassLoader());
    assertTrue(
        text.contains(
            "public class dev.doco.core.DocoException extends java.lang.RuntimeException"),
        "the root exception is in the dump:\n" + text);
    assertTrue(text.contains("interface dev.doco.core.spi.SourceProvider"), text);
    assertFalse(text.contains(".internal."), "internal packages are not API:\n" + text);
  }

  @Test
  void diff_showsRemovedAndAddedLinesUnderTheirType() {
    String before =
        "class a.A\n  public void f()\n  public void g()\n\nclass a.B\n  public int x\n\n";
    String after =
        "class a.A\n  public void f()\n  public void h()\n\nclass a.B\n  public int x\n\n";
    assertEquals("@@ class a.A\n-  public void g()\n+  public void h()\n", diff(before, after));
  }

  /** A line diff (longest common subsequence); each hunk is headed by its type's line. */
  static String diff(String expected, String actual) {
    List<String> a = expected.lines().toList();
    List<String> b = actual.lines().toList();
    int[][] lcs = new int[a.size() + 1][b.size() + 1];
    for (int i = a.size() - 1; i >= 0; i--) {
      for (int j = b.size() - 1; j >= 0; j--) {
        lcs[i][j] =
            a.get(i).equals(b.get(j))
                ? lcs[i + 1][j + 1] + 1
                : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    StringBuilder out = new StringBuilder();
    List<String> pending = new ArrayList<>();
    String header = "";
    String printedHeader = null;
    int i = 0;
    int j = 0;
    while (i < a.size() || j < b.size()) {
      if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
        if (!a.get(i).startsWith(" ") && !a.get(i).isEmpty()) {
          header = a.get(i);
        }
        i++;
        j++;
        continue;
      }
      if (i < a.size() && (j == b.size() || lcs[i + 1][j] >= lcs[i][j + 1])) {
        pending.add("-" + a.get(i));
        i++;
      } else {
        pending.add("+" + b.get(j));
        j++;
      }
      if (!header.equals(printedHeader)) {
        out.append("@@ ").append(header.isEmpty() ? "(top)" : header).append('\n');
        printedHeader = header;
      }
      for (String line : pending) {
        out.append(line).append('\n');
      }
      pending.clear();
    }
    return out.toString();
  }

  private static Path classesDir() throws Exception {
    return Path.of(DocoException.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  private static Path moduleDir() {
    return Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
  }
}
