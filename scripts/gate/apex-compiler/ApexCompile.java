import apex.jorje.data.Location;
import apex.jorje.semantic.common.TestAccessEvaluator;
import apex.jorje.semantic.compiler.ApexCompiler;
import apex.jorje.semantic.compiler.CodeUnit;
import apex.jorje.semantic.compiler.CompilationInput;
import apex.jorje.semantic.compiler.CompilerStage;
import apex.jorje.semantic.compiler.Namespaces;
import apex.jorje.semantic.compiler.SourceFile;
import apex.jorje.semantic.compiler.ValidationSettings;
import apex.jorje.semantic.compiler.sfdc.NoopCompilerProgressCallback;
import apex.jorje.semantic.compiler.sfdc.QueryValidator;
import apex.jorje.semantic.symbol.type.SObjectTypeInfo;
import apex.jorje.semantic.symbol.type.TypeInfo;
import apex.jorje.services.Version;
import apex.jorje.services.exception.CompilationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Compiles every Apex class and trigger under the given directories with Salesforce's compiler
 * front end (jorje), offline.
 *
 * <pre>java ApexCompile --root DIR --jar apex-jorje-lsp.jar --schema standard-objects.json
 *     [--stubs DIR] SOURCE_DIR...</pre>
 *
 * Prints one line per error (`path:line:col: message`, paths relative to --root), then a summary.
 * Exit 0: no errors; 1: compile errors; 2: the compiler or this driver failed (never "0 errors").
 */
public final class ApexCompile {
  private static final Pattern API_VERSION = Pattern.compile("<apiVersion>\\s*([0-9.]+)\\s*</apiVersion>");

  public static void main(String[] args) {
    java.util.logging.LogManager.getLogManager().reset(); // jorje's lexer logs at INFO
    try {
      System.exit(run(args));
    } catch (Throwable t) {
      System.out.flush();
      System.err.println("apex-compile: the compiler crashed: " + t);
      t.printStackTrace(System.err);
      System.exit(2);
    }
  }

  private static int run(String[] args) throws Exception {
    Path root = Paths.get(".");
    Path jar = null;
    Path schema = null;
    Path stubDir = null;
    List<Path> dirs = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--root": root = Paths.get(args[++i]); break;
        case "--jar": jar = Paths.get(args[++i]); break;
        case "--schema": schema = Paths.get(args[++i]); break;
        case "--stubs": stubDir = Paths.get(args[++i]); break;
        default: dirs.add(Paths.get(args[i]));
      }
    }
    if (jar == null || schema == null || dirs.isEmpty()) {
      System.err.println("usage: ApexCompile --root DIR --jar JAR --schema FILE [--stubs DIR] SOURCE_DIR...");
      return 2;
    }
    final Path base = root.toAbsolutePath().normalize();
    List<Path> absolute = new ArrayList<>();
    for (Path dir : dirs) {
      Path abs = base.resolve(dir).normalize();
      if (!Files.isDirectory(abs)) {
        System.err.println("apex-compile: not a directory: " + dir);
        return 2;
      }
      absolute.add(abs);
    }

    Metadata metadata = new Metadata();
    metadata.readSchema(schema);
    metadata.readDirectories(absolute);
    metadata.addSystemFields();
    for (String skipped : metadata.unreadable) System.err.println("apex-compile: skipped (not XML): " + skipped);
    Stubs stubs = new Stubs(jar, stubDir);
    ProjectSymbols symbols = new ProjectSymbols(stubs, metadata);

    List<SourceFile> sources = new ArrayList<>();
    Map<SourceFile, String> paths = new IdentityHashMap<>();
    for (Path dir : absolute) {
      for (Path file : files(dir, name -> name.endsWith(".cls") || name.endsWith(".trigger"))) {
        SourceFile source = SourceFile.builder()
            .setBody(Files.readString(file))
            .setKnownName(file.getFileName().toString().replaceFirst("\\.(cls|trigger)$", ""))
            .setNamespace(Namespaces.EMPTY)
            .setVersion(version(file))
            .build();
        sources.add(source);
        paths.put(source, base.relativize(file).toString().replace('\\', '/'));
      }
    }

    QueryValidator queries = new QueryValidator() {
      @Override
      public String validateSoql(apex.jorje.semantic.symbol.resolver.SymbolResolver s,
          apex.jorje.semantic.ast.visitor.ValidationScope v, apex.jorje.semantic.ast.expression.SoqlExpression e) {
        return e.getCanonicalQuery(); // field names in SOQL are the SOQL check's job

      }

      @Override
      public String validateSosl(apex.jorje.semantic.symbol.resolver.SymbolResolver s,
          apex.jorje.semantic.ast.visitor.ValidationScope v, apex.jorje.semantic.ast.expression.SoslExpression e) {
        return e.getCanonicalQuery();
      }
    };
    TestAccessEvaluator access = new TestAccessEvaluator() {
      @Override
      public boolean isSetupEntityVisibleToType(SObjectTypeInfo type, TypeInfo referencingType) {
        // Every custom metadata type and setting is the org's own (empty namespace).
        return type.getNamespace() == null || type.getNamespace().equals(Namespaces.EMPTY);
      }
    };
    CompilationInput input = new CompilationInput(sources, symbols, access, queries, null,
        new Patches(symbols));
    ApexCompiler compiler = ApexCompiler.builder()
        .setInput(input)
        .setValidationSettings(ValidationSettings.builder()
            .setValidationBehavior(ValidationSettings.ValidationBehavior.COLLECT_MULTIPLE_ERRORS).build())
        .build();
    compiler.compile(CompilerStage.ADDITIONAL_VALIDATE);

    List<String> errors = new ArrayList<>();
    int units = 0;
    for (CodeUnit unit : compiler.getCodeUnits()) {
      String path = paths.get(unit.getSourceFile());
      if (path == null) continue; // a standard-library stub
      units++;
      for (CompilationException error : unit.getErrors().get()) {
        Location loc = error.getLoc();
        int line = loc == null ? 0 : loc.getLine();
        int column = loc == null ? 0 : loc.getColumn();
        errors.add(String.format("%s:%d:%d: %s", path, line, column, error.getError()));
      }
    }
    if (units != sources.size()) {
      System.err.println("apex-compile: compiled " + units + " of " + sources.size() + " files");
      return 2;
    }
    errors.stream().sorted(ApexCompile::byPathAndLine).forEach(System.out::println);
    if (System.getenv("APEX_COMPILE_TRACE") != null) symbols.asked.forEach((k, v) -> System.err.println("asked " + k));
    System.out.println("apex-compile: " + sources.size() + " file(s) compiled, " + errors.size() + " error(s)");
    return errors.isEmpty() ? 0 : 1;
  }

  /** Regular files under `dir` at any depth whose name passes `accept`, skipping node_modules and dot folders. */
  static List<Path> files(Path dir, java.util.function.Predicate<String> accept) throws java.io.IOException {
    List<Path> out = new ArrayList<>();
    Files.walkFileTree(dir, new java.nio.file.SimpleFileVisitor<Path>() {
      @Override
      public java.nio.file.FileVisitResult preVisitDirectory(Path d, java.nio.file.attribute.BasicFileAttributes a) {
        String name = d.getFileName() == null ? "" : d.getFileName().toString();
        boolean skip = !d.equals(dir) && (name.startsWith(".") || name.equals("node_modules"));
        return skip ? java.nio.file.FileVisitResult.SKIP_SUBTREE : java.nio.file.FileVisitResult.CONTINUE;
      }

      @Override
      public java.nio.file.FileVisitResult visitFile(Path f, java.nio.file.attribute.BasicFileAttributes a) {
        if (a.isRegularFile() && accept.test(f.getFileName().toString())) out.add(f);
        return java.nio.file.FileVisitResult.CONTINUE;
      }
    });
    out.sort(null);
    return out;
  }

  private static int byPathAndLine(String a, String b) {
    String[] x = a.split(":", 4);
    String[] y = b.split(":", 4);
    int c = x[0].compareTo(y[0]);
    if (c != 0) return c;
    c = Integer.compare(Integer.parseInt(x[1]), Integer.parseInt(y[1]));
    if (c != 0) return c;
    c = Integer.compare(Integer.parseInt(x[2]), Integer.parseInt(y[2]));
    return c != 0 ? c : a.compareTo(b);
  }

  /** The file's -meta.xml apiVersion, clamped to the newest version this jar knows. */
  private static Version version(Path file) throws java.io.IOException {
    Path meta = file.resolveSibling(file.getFileName() + "-meta.xml");
    double api = Version.MAX.getExternal();
    if (Files.exists(meta)) {
      Matcher m = API_VERSION.matcher(Files.readString(meta));
      if (m.find()) api = Double.parseDouble(m.group(1));
    }
    if (api >= Version.MAX.getExternal()) return Version.MAX;
    Version best = Version.MIN;
    for (Version v : Version.values()) {
      if (v.getExternal() <= api && v.getExternal() >= best.getExternal() && v.isLessThanOrEqual(Version.MAX)) best = v;
    }
    return best;
  }
}
