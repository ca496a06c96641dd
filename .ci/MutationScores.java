// Mutation score per package from PIT's mutations.xml files; exit 1 when a listed package is under the
// threshold or has no mutations at all (a renamed or moved class would otherwise drop out unnoticed).
// Run by .ci/mutation.sh: java .ci/MutationScores.java <threshold %> <package>... -- <mutations.xml>...
// There is no per-package exception: equivalent mutants are removed by restructuring the code, not excluded.
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

public class MutationScores {
  record Mutant(String pkg, String cls, String file, int line, String mutator, String description,
      String status, boolean detected) {}

  public static void main(String[] args) throws Exception {
    double threshold = Double.parseDouble(args[0]);
    List<String> packages = new ArrayList<>();
    List<Path> reports = new ArrayList<>();
    boolean files = false;
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals("--")) {
        files = true;
      } else if (files) {
        reports.add(Path.of(args[i]));
      } else {
        packages.add(args[i]);
      }
    }
    Map<String, List<Mutant>> byPackage = new TreeMap<>();
    for (Path report : reports) {
      if (!Files.exists(report)) {
        System.out.println("mutation: no report at " + report + " (did PIT run for that module?)");
        continue;
      }
      var factory = DocumentBuilderFactory.newInstance();
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      var doc = factory.newDocumentBuilder().parse(report.toFile());
      NodeList nodes = doc.getElementsByTagName("mutation");
      for (int i = 0; i < nodes.getLength(); i++) {
        Element m = (Element) nodes.item(i);
        String cls = text(m, "mutatedClass");
        int dot = cls.lastIndexOf('.');
        String pkg = dot < 0 ? "" : cls.substring(0, dot);
        String mutator = text(m, "mutator");
        Mutant mutant = new Mutant(pkg, cls, text(m, "sourceFile"), Integer.parseInt(text(m, "lineNumber")),
            mutator.substring(mutator.lastIndexOf('.') + 1), text(m, "description"),
            m.getAttribute("status"), Boolean.parseBoolean(m.getAttribute("detected")));
        byPackage.computeIfAbsent(pkg, k -> new ArrayList<>()).add(mutant);
      }
    }
    boolean failed = false;
    System.out.printf("%-34s %9s %9s %8s  %s%n", "mutation score by package", "detected", "mutants", "score", "result");
    Map<String, List<Mutant>> survivors = new LinkedHashMap<>();
    for (String pkg : packages) {
      List<Mutant> ms = byPackage.getOrDefault(pkg, List.of());
      long detected = ms.stream().filter(Mutant::detected).count();
      double score = ms.isEmpty() ? 0 : 100.0 * detected / ms.size();
      boolean ok = !ms.isEmpty() && score >= threshold;
      String result = ms.isEmpty() ? "FAIL (no mutants: class moved or renamed? update the mutation profile)"
          : ok ? "ok" : "FAIL (under " + threshold + " %)";
      System.out.printf("%-34s %9d %9d %7.1f%%  %s%n", pkg, detected, ms.size(), score, result);
      if (!ok) {
        failed = true;
      }
      survivors.put(pkg, ms.stream().filter(m -> !m.detected()).toList());
    }
    for (var e : byPackage.entrySet()) {
      if (!packages.contains(e.getKey())) {
        long detected = e.getValue().stream().filter(Mutant::detected).count();
        System.out.printf("%-34s %9d %9d %7.1f%%  (not listed)%n", e.getKey(), detected, e.getValue().size(),
            100.0 * detected / e.getValue().size());
      }
    }
    for (var e : survivors.entrySet()) {
      if (e.getValue().isEmpty()) {
        continue;
      }
      System.out.println("surviving mutants in " + e.getKey() + " (" + e.getValue().size() + "):");
      e.getValue().stream().limit(Integer.getInteger("mutation.show", 40)).forEach(m -> System.out.printf(
          "  %s:%d %s %s (%s)%n", m.file(), m.line(), m.mutator(), m.description(), m.status()));
      if (e.getValue().size() > Integer.getInteger("mutation.show", 40)) {
        System.out.println("  ... (all in <module>/target/pit-reports/index.html)");
      }
    }
    System.out.println(failed ? "mutation: FAILED (a listed package is under " + threshold + " % or has no mutants)"
        : "mutation: every listed package is at or above " + threshold + " %");
    System.exit(failed ? 1 : 0);
  }

  private static String text(Element e, String tag) {
    NodeList n = e.getElementsByTagName(tag);
    return n.getLength() == 0 ? "" : n.item(0).getTextContent();
  }
}
