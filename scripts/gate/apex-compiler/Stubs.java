import apex.jorje.semantic.compiler.Namespace;
import apex.jorje.semantic.compiler.Namespaces;
import apex.jorje.semantic.compiler.SourceFile;
import apex.jorje.services.Version;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The standard Apex library: the jar's StandardApexLibrary/<Namespace>/<Class>.cls signature
 * stubs, overlaid by the corrected stubs of this folder's stubs/ directory (same layout).
 */
final class Stubs {
  /** Stubs that must not exist: System.Label shadows the dynamic label type jorje builds itself. */
  private static final Set<String> REMOVED = Set.of("system/label");

  private final Map<String, String> bodies = new HashMap<>();
  private final Map<String, String> namespaces = new HashMap<>();

  Stubs(Path jar, Path overrides) throws IOException {
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      Enumeration<? extends ZipEntry> entries = zip.entries();
      while (entries.hasMoreElements()) {
        ZipEntry entry = entries.nextElement();
        String name = entry.getName();
        if (!name.startsWith("StandardApexLibrary/") || !name.endsWith(".cls")) continue;
        String[] parts = name.split("/");
        if (parts.length != 3) continue;
        add(parts[1], parts[2], new String(zip.getInputStream(entry).readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    Map<String, String> appends = new java.util.TreeMap<>();
    if (overrides != null && Files.isDirectory(overrides)) {
      try (Stream<Path> walk = Files.walk(overrides)) {
        for (Path file : (Iterable<Path>) walk.filter(p -> p.toString().endsWith(".cls"))::iterator) {
          Path rel = overrides.relativize(file);
          if (rel.getNameCount() != 2) continue;
          String namespace = rel.getName(0).toString();
          String name = rel.getName(1).toString();
          if (name.endsWith(".append.cls")) {
            appends.put(namespace + "/" + name.replace(".append.cls", ".cls"), Files.readString(file));
          } else {
            add(namespace, name, Files.readString(file));
          }
        }
      }
      // Members appended to a jar stub (before its last closing brace).
      for (Map.Entry<String, String> append : appends.entrySet()) {
        String[] parts = append.getKey().split("/");
        String key = (parts[0] + "/" + parts[1].replace(".cls", "")).toLowerCase(Locale.ROOT);
        String body = bodies.get(key);
        if (body == null) throw new IOException("stubs: nothing to append to for " + append.getKey());
        int end = body.lastIndexOf('}');
        bodies.put(key, body.substring(0, end) + append.getValue() + body.substring(end));
      }
    }
  }

  /** `global class FooException {` (the jar's exception stubs extend nothing) → `... extends Exception {`. */
  private static final java.util.regex.Pattern BARE_EXCEPTION = java.util.regex.Pattern.compile(
      "(global\\s+(?:virtual\\s+)?class\\s+\\w*Exception)(\\s*\\{)");

  private void add(String namespace, String file, String body) {
    String className = file.substring(0, file.length() - ".cls".length());
    if (className.endsWith("Exception")) body = BARE_EXCEPTION.matcher(body).replaceFirst("$1 extends Exception$2");
    String key = (namespace + "/" + className).toLowerCase(Locale.ROOT);
    if (REMOVED.contains(key)) return;
    bodies.put(key, body);
    namespaces.put(key, namespace);
  }

  int size() {
    return bodies.size();
  }

  /** The stub answering `namespace/class` (lower case), as a trusted source file, or null. */
  SourceFile source(String key) {
    String body = bodies.get(key);
    if (body == null) return null;
    return SourceFile.builder()
        .setBody(body)
        .setKnownName(key)
        .setNamespace(namespace(namespaces.get(key)))
        .setVersion(Version.MAX)
        .setTrusted(true)
        .build();
  }

  private static Namespace namespace(String name) {
    switch (name.toLowerCase(Locale.ROOT)) {
      case "system": return Namespaces.SYSTEM;
      case "schema": return Namespaces.SCHEMA;
      case "database": return Namespaces.DATABASE;
      case "apexpages": return Namespaces.APEX_PAGES;
      case "flow": return Namespaces.FLOW;
      case "connectapi": return Namespaces.CONNECT_API;
      case "messaging": return Namespaces.MESSAGING;
      default: return Namespaces.create(name);
    }
  }
}
