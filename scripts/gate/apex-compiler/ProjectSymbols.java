import apex.common.base.Initializers;
import apex.jorje.semantic.ast.modifier.ModifierGroups;
import apex.jorje.semantic.ast.visitor.reference.ExternalDependency;
import apex.jorje.semantic.ast.visitor.reference.UntypedExternalDependency;
import apex.jorje.semantic.bcl.DmlOperation;
import apex.jorje.semantic.compiler.Namespace;
import apex.jorje.semantic.compiler.Namespaces;
import apex.jorje.semantic.compiler.SourceFile;
import apex.jorje.semantic.compiler.sfdc.SymbolProvider;
import apex.jorje.semantic.symbol.member.variable.DynamicFieldInfoFactory;
import apex.jorje.semantic.symbol.member.variable.FieldInfo;
import apex.jorje.semantic.symbol.member.variable.MultipleFieldTable;
import apex.jorje.semantic.symbol.member.variable.SObjectFieldInfo;
import apex.jorje.semantic.symbol.resolver.SymbolResolver;
import apex.jorje.semantic.symbol.type.GenericTypeInfoFactory;
import apex.jorje.semantic.symbol.type.InternalTypeInfos;
import apex.jorje.semantic.symbol.type.SObjectMetadata;
import apex.jorje.semantic.symbol.type.SObjectTypeInfo;
import apex.jorje.semantic.symbol.type.TypeInfo;
import apex.jorje.semantic.symbol.type.TypeInfos;
import apex.jorje.semantic.symbol.type.common.BiPredicates;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What jorje asks the org for: standard Apex classes (from the jar's StandardApexLibrary stubs,
 * patched by {@link Stubs}), SObject types (from {@link Metadata}) and custom labels.
 */
final class ProjectSymbols implements SymbolProvider {
  private final Stubs stubs;
  private final Metadata metadata;
  private final Map<String, TypeInfo> attached = new HashMap<>();
  private final Map<String, SObjectTypeInfo> sobjects = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
  final Map<String, Integer> asked = new TreeMap<>();
  private SymbolResolver resolver;
  /** The stub type holding the DML methods as dml_<op> (stubs/System/DatabaseDml.cls). */
  TypeInfo dmlSource;

  /** Schema.SObjectType.<Object> for every SObject the compile knows: its DescribeSObjectResult. */
  void addDescribeResults(TypeInfo schemaType) {
    TypeInfo result = find(resolver, schemaType, "schema/describesobjectresult");
    for (Metadata.SObject object : metadata.objects.values()) {
      if (object.name.equals("Name")) continue;
      schemaType.fields().add(DynamicFieldInfoFactory.createSObjectTypeDescribeResult(
          schemaType, result, object.name, object.name)).throwIfError();
    }
  }

  /** The real (stub-backed) type for one of jorje's internal type names, e.g. Schema.SObjectField. */
  private TypeInfo real(TypeInfo referencing, apex.jorje.semantic.symbol.type.InternalTypeInfo internal) {
    if (resolver == null) return internal;
    TypeInfo found = resolver.lookupTypeInfo(referencing, internal);
    return found == null ? internal : found;
  }

  ProjectSymbols(Stubs stubs, Metadata metadata) {
    this.stubs = stubs;
    this.metadata = metadata;
  }

  @Override
  public TypeInfo find(SymbolResolver symbols, TypeInfo referencingType, String fullName) {
    String key = fullName.toLowerCase(java.util.Locale.ROOT);
    if (key.startsWith("com/salesforce/")) return null;
    if (attached.containsKey(key)) return attached.get(key);
    SourceFile source = stubs.source(key);
    if (System.getenv("APEX_COMPILE_TRACE") != null) asked.merge(key + (source == null ? " (none)" : ""), 1, Integer::sum);
    if (source == null) {
      attached.put(key, null);
      return null;
    }
    this.resolver = symbols;
    if (key.equals("system/database")) dmlSource = find(symbols, referencingType, "system/databasedml");
    TypeInfo type = symbols.getCompilerService().attachSource(symbols, source, key);
    attached.put(key, type);
    return type;
  }

  @Override
  public ExternalDependency findMetadataDependency(SymbolResolver symbols, TypeInfo referencingType,
      UntypedExternalDependency.DependencyType dependencyType, String lowerCaseFullName) {
    return null;
  }

  @Override
  public TypeInfo getVfComponentType(SymbolResolver symbols, TypeInfo referencingType, Namespace namespace, String name) {
    return null;
  }

  @Override
  public TypeInfo getFlowInterviewType(SymbolResolver symbols, TypeInfo referencingType, Namespace namespace, String name) {
    return null;
  }

  @Override
  public TypeInfo getSObjectType(TypeInfo referencingType, String name) {
    return sobject(name);
  }

  @Override
  public TypeInfo getAggregateResultType(TypeInfo referencingType) {
    return sobject("AggregateResult");
  }

  @Override
  public String getPageReference(TypeInfo referencingType, String name) {
    return metadata.pages.contains(name) ? "/apex/" + name : null;
  }

  @Override
  public boolean hasLabelField(TypeInfo referencingType, Namespace namespace, String name) {
    return (namespace == null || namespace.equals(Namespaces.EMPTY)) && metadata.labels.contains(name);
  }

  @Override
  public String getQuickAction(TypeInfo referencingType, String entity, String name) {
    return null;
  }

  @Override
  public boolean isDynamicTypeNamespace(String namespace) {
    return false;
  }

  @Override
  public boolean isDynamicTypeNamespace(String namespace, String module) {
    return false;
  }

  // ---- SObjects -----------------------------------------------------------------------------

  SObjectTypeInfo sobject(String name) {
    SObjectTypeInfo existing = sobjects.get(name);
    if (existing != null) return existing;
    Metadata.SObject def = metadata.objects.get(name);
    if (def == null && !name.equalsIgnoreCase("AggregateResult")) return null;
    SObjectTypeInfo built = def == null ? aggregateResult() : build(def);
    sobjects.put(name, built);
    return built;
  }

  private static SObjectTypeInfo aggregateResult() {
    return (SObjectTypeInfo) SObjectTypeInfo.builder()
        .setApexBytecodeName("AggregateResult")
        .setMetadata(SObjectMetadata.builder().setTriggerable(false)
            .setLookupFieldPredicate(BiPredicates.alwaysTrue()).setEditable(false)
            .setSupportedDml(DmlOperation.EMPTY).build())
        .buildResolved();
  }

  private SObjectTypeInfo build(Metadata.SObject def) {
    SObjectMetadata.Builder meta = SObjectMetadata.builder()
        .setLookupFieldPredicate(BiPredicates.alwaysTrue())
        .setTriggerable(def.kind != Metadata.Kind.CUSTOM_METADATA && !def.name.equals("Name"));
    switch (def.kind) {
      case CUSTOM_METADATA:
        meta.setCustomEntitySObjectType(SObjectMetadata.CustomEntitySObjectType.CUSTOM_METADATA_TYPE)
            .setSupportedDml(DmlOperation.EMPTY);
        break;
      case LIST_SETTING:
        meta.setCustomEntitySObjectType(SObjectMetadata.CustomEntitySObjectType.LIST_CUSTOM_SETTING);
        break;
      case HIERARCHY_SETTING:
        meta.setCustomEntitySObjectType(SObjectMetadata.CustomEntitySObjectType.HIERARCHY_CUSTOM_SETTING);
        break;
      case PLATFORM_EVENT:
        meta.setPlatformEvent(true).setSupportedDml(EnumSet.of(DmlOperation.INSERT));
        break;
      default:
        if (def.name.equals("Name")) meta.setSupportedDml(DmlOperation.EMPTY);
        break;
    }
    if (def.name.equals("User") || def.name.equals("Profile") || def.name.equals("PermissionSet")
        || def.name.equals("PermissionSetAssignment") || def.name.equals("Group") || def.name.equals("UserRole")) {
      meta.setCustomizableSetupEntity(def.name.equals("User"));
    }
    return (SObjectTypeInfo) SObjectTypeInfo.builder()
        .setApexBytecodeName(def.name)
        .setMetadata(meta.build())
        .setFields(Initializers.memoize(type -> fields(type, def)))
        .buildResolved();
  }

  private apex.jorje.semantic.symbol.member.variable.FieldTable fields(TypeInfo type, Metadata.SObject def) {
    MultipleFieldTable table = new MultipleFieldTable();
    for (Metadata.Field field : def.fields.values()) {
      SObjectFieldInfo.Builder b = SObjectFieldInfo.builder()
          .setName(field.name)
          .setModifiers(ModifierGroups.ONLY_GLOBAL)
          .setDefiningType(type)
          .setType(apexType(field.apexType))
          .setCategory(SObjectFieldInfo.Category.REGULAR)
          .setPrimaryKey(field.name.equals("Id"));
      if (!field.writable) b.setValidateStoreFunction(ProjectSymbols::notWriteable);
      table.add(b.build()).throwIfError();
    }
    for (Map.Entry<String, String> ref : def.references.entrySet()) {
      if (def.fields.containsKey(ref.getKey())) continue;
      SObjectTypeInfo target = sobject(ref.getValue());
      if (target == null) continue;
      table.add(SObjectFieldInfo.builder().setName(ref.getKey()).setModifiers(ModifierGroups.ONLY_GLOBAL)
          .setDefiningType(type).setType(target).setCategory(SObjectFieldInfo.Category.FOREIGN_KEY).build())
          .throwIfError();
    }
    for (Map.Entry<String, String> child : def.children.entrySet()) {
      if (def.fields.containsKey(child.getKey()) || def.references.containsKey(child.getKey())) continue;
      SObjectTypeInfo target = sobject(child.getValue());
      if (target == null) continue;
      table.add(SObjectFieldInfo.builder().setName(child.getKey()).setModifiers(ModifierGroups.ONLY_GLOBAL)
          .setDefiningType(type).setType(GenericTypeInfoFactory.createQueryResultList(target))
          .setCategory(SObjectFieldInfo.Category.AGGREGATE).build())
          .throwIfError();
    }
    // Static describe tokens: Task.Subject (Schema.SObjectField), Task.SObjectType.
    for (FieldInfo instance : new java.util.ArrayList<>(table.all())) {
      if (!(instance instanceof SObjectFieldInfo)) continue;
      SObjectFieldInfo f = (SObjectFieldInfo) instance;
      if (f.getCategory() == SObjectFieldInfo.Category.AGGREGATE) continue;
      table.add(DynamicFieldInfoFactory.createSObjectFieldDescribe(type, real(type, InternalTypeInfos.SCHEMA_SOBJECT_FIELD),
          ModifierGroups.GLOBAL_STATIC, f.getName(), def.name, f.getName(), "")).throwIfError();
    }
    table.add(DynamicFieldInfoFactory.createSObjectTypeDescribe(type, real(type, InternalTypeInfos.SCHEMA_SOBJECT_TYPE),
        "SObjectType", def.name)).throwIfError();
    return table.resolve();
  }

  private static boolean notWriteable(apex.jorje.semantic.symbol.member.variable.VariableValidator validator,
      SObjectFieldInfo field, apex.jorje.semantic.symbol.member.variable.VariableVisitor.Context context) {
    validator.getScope().getErrors().markInvalid(validator.getNode(), context.loc,
        "Field is not writeable: " + field.getDefiningType().getApexName() + "." + field.getName());
    return false;
  }

  private static TypeInfo apexType(String name) {
    switch (name) {
      case "String": return TypeInfos.STRING;
      case "Id": return TypeInfos.ID;
      case "Boolean": return TypeInfos.BOOLEAN;
      case "Integer": return TypeInfos.INTEGER;
      case "Long": return TypeInfos.LONG;
      case "Decimal": return TypeInfos.DECIMAL;
      case "Double": return TypeInfos.DOUBLE;
      case "Date": return TypeInfos.DATE;
      case "Datetime": return TypeInfos.DATE_TIME;
      case "Time": return TypeInfos.TIME;
      case "Blob": return TypeInfos.BLOB;
      default: throw new IllegalArgumentException("unknown Apex field type " + name);
    }
  }
}
