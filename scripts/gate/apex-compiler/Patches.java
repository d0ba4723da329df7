import apex.jorje.semantic.compiler.CodeUnit;
import apex.jorje.semantic.compiler.sfdc.CompilerProgressCallback;
import apex.jorje.semantic.symbol.member.method.MethodInfo;
import apex.jorje.semantic.symbol.member.method.MethodTable;
import apex.jorje.semantic.symbol.member.method.StandardMethodInfo;
import apex.jorje.semantic.symbol.type.TypeInfo;
import java.util.ArrayList;
import java.util.Collection;

/**
 * Hooks into compilation stages to patch stub types where a stub source cannot say it, just before
 * jorje fills and freezes their member tables (MEMBER_RESOLVE):
 * - System.Database: the DML methods (insert, update, upsert, delete, undelete, merge are
 *   keywords) are declared as dml_<op> in stubs/System/DatabaseDml.cls and copied under <op>;
 * - Schema.SObjectType: one static member per SObject (Schema.SObjectType.Task).
 */
final class Patches implements CompilerProgressCallback {
  private static final String PREFIX = "dml_";
  private final ProjectSymbols symbols;

  Patches(ProjectSymbols symbols) {
    this.symbols = symbols;
  }

  @Override
  public void reportProgress(CodeUnit unit, String stage) {
    // A stub attached late (during a user class's validation) runs its stages inside find(), before
    // find() returns its type: recognise the stubs by name, not by what find() returned.
    TypeInfo type = unit.getType();
    if (type == null || !"MEMBER_RESOLVE".equals(stage) || !unit.getSourceFile().isTrusted()) return;
    if ("System.Database".equals(type.getApexName())) copyDmlMethods(symbols.dmlSource, type);
    if ("Schema.SObjectType".equals(type.getApexName())) symbols.addDescribeResults(type);
  }

  static void copyDmlMethods(TypeInfo source, TypeInfo type) {
    if (source == null || !source.methods().isResolved()) {
      throw new IllegalStateException("the DML method stub (System.DatabaseDml) is not resolved before System.Database");
    }
    MethodTable table = type.methods();
    for (MethodInfo method : new ArrayList<>(source.methods().all())) {
      if (!method.getName().startsWith(PREFIX)) continue;
      MethodInfo copy = StandardMethodInfo.builder()
          .setName(method.getName().substring(PREFIX.length()))
          .setDefiningType(type)
          .setModifiers(method.getModifiers())
          .setReturnType(method.getReturnType())
          .setNamedParameterTypes(method.getParameterTypes())
          .build();
      table.addDuplicatesAllowed(copy).throwIfError();
    }
  }

  @Override
  public void addUnit(CodeUnit unit) {}

  @Override
  public void addUnits(Collection<CodeUnit> units) {}

  @Override
  public void addSavedUnit(CodeUnit unit) {}
}
