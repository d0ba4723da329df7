import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * What the compiled directories (and the standard schema) say about SObjects and labels: the
 * input to {@link ProjectSymbols}. Plain data, no jorje types.
 */
final class Metadata {
  enum Kind { CUSTOM_OBJECT, EXTENDED_ONLY, LIST_SETTING, HIERARCHY_SETTING, CUSTOM_METADATA, PLATFORM_EVENT, STANDARD }

  static final class Field {
    final String name;
    /** Apex type name: String, Id, Boolean, Integer, Decimal, Double, Date, Datetime, Time, Blob. */
    final String apexType;
    final boolean writable;

    Field(String name, String apexType, boolean writable) {
      this.name = name;
      this.apexType = apexType;
      this.writable = writable;
    }
  }

  static final class SObject {
    final String name;
    Kind kind;
    final Map<String, Field> fields = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    /** Parent relationship name (Owner, Account, What) to target object ("Name" when polymorphic). */
    final Map<String, String> references = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    /** Child relationship name (Tasks) to child object. */
    final Map<String, String> children = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    boolean nameIsAutoNumber;
    boolean activities;

    SObject(String name, Kind kind) {
      this.name = name;
      this.kind = kind;
    }

    void field(String fieldName, String apexType, boolean writable) {
      fields.putIfAbsent(fieldName, new Field(fieldName, apexType, writable));
    }
  }

  final Map<String, SObject> objects = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
  final java.util.Set<String> labels = new java.util.TreeSet<>(String.CASE_INSENSITIVE_ORDER);
  final java.util.Set<String> pages = new java.util.TreeSet<>(String.CASE_INSENSITIVE_ORDER);
  private final DocumentBuilder xml;

  Metadata() throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(false);
    xml = factory.newDocumentBuilder();
    xml.setErrorHandler(new org.xml.sax.helpers.DefaultHandler() {
      @Override
      public void fatalError(org.xml.sax.SAXParseException e) throws org.xml.sax.SAXException {
        throw e;
      }
    });
  }

  /** Metadata files that do not parse: skipped here (the metadata step reports them). */
  final List<String> unreadable = new ArrayList<>();

  // ---- project metadata -------------------------------------------------------------------

  void readDirectories(List<Path> dirs) throws Exception {
    List<Path> files = new ArrayList<>();
    for (Path dir : dirs) {
      files.addAll(ApexCompile.files(dir, name -> name.endsWith("-meta.xml")));
    }
    // Object definitions first, so that fields found in another directory land on the right kind.
    for (Path file : files) {
      String name = file.getFileName().toString();
      Path parent = file.getParent();
      if (name.endsWith(".object-meta.xml") && isUnder(parent, "objects")) {
        readObject(parent.getFileName().toString(), file);
      }
    }
    for (Path file : files) {
      String name = file.getFileName().toString();
      Path parent = file.getParent();
      if (name.endsWith(".field-meta.xml") && parent.getFileName().toString().equals("fields")
          && isUnder(parent.getParent(), "objects")) {
        readField(parent.getParent().getFileName().toString(), file);
      } else if (name.endsWith(".labels-meta.xml")) {
        readLabels(file);
      } else if (name.endsWith(".page-meta.xml")) {
        pages.add(name.substring(0, name.length() - ".page-meta.xml".length()));
      }
    }
  }

  private static boolean isUnder(Path objectDir, String folder) {
    Path up = objectDir == null ? null : objectDir.getParent();
    return up != null && up.getFileName() != null && up.getFileName().toString().equals(folder);
  }

  /** The parsed file, or null (noted in {@link #unreadable}) when it is not well-formed XML. */
  private Document parse(Path file) throws IOException {
    try {
      return xml.parse(file.toFile());
    } catch (org.xml.sax.SAXException e) {
      unreadable.add(file + ": " + e.getMessage());
      return null;
    }
  }

  private static String text(Element root, String tag) {
    for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element && ((Element) n).getTagName().equals(tag)) return n.getTextContent().trim();
    }
    return null;
  }

  private static Element child(Element root, String tag) {
    for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element && ((Element) n).getTagName().equals(tag)) return (Element) n;
    }
    return null;
  }

  private void readObject(String objectName, Path file) throws Exception {
    Document doc = parse(file);
    if (doc == null) return;
    Element root = doc.getDocumentElement();
    String settings = text(root, "customSettingsType");
    Kind kind;
    if (objectName.endsWith("__mdt")) kind = Kind.CUSTOM_METADATA;
    else if (objectName.endsWith("__e")) kind = Kind.PLATFORM_EVENT;
    else if ("List".equals(settings)) kind = Kind.LIST_SETTING;
    else if ("Hierarchy".equals(settings)) kind = Kind.HIERARCHY_SETTING;
    else if (objectName.endsWith("__c")) kind = Kind.CUSTOM_OBJECT;
    else return; // a standard object's settings; its fields come from the schema file
    SObject object = objects.computeIfAbsent(objectName, n -> new SObject(n, kind));
    object.kind = kind;
    Element nameField = child(root, "nameField");
    object.nameIsAutoNumber = nameField != null && "AutoNumber".equals(text(nameField, "type"));
    object.activities = "true".equals(text(root, "enableActivities"));
  }

  private void readField(String objectName, Path file) throws Exception {
    Document doc = parse(file);
    if (doc == null) return;
    Element root = doc.getDocumentElement();
    String fieldName = text(root, "fullName");
    if (fieldName == null) {
      String f = file.getFileName().toString();
      fieldName = f.substring(0, f.length() - ".field-meta.xml".length());
    }
    String type = text(root, "type");
    boolean formula = text(root, "formula") != null;
    boolean writable = !formula && !"AutoNumber".equals(type) && !"Summary".equals(type);
    List<SObject> targets = new ArrayList<>();
    if (objectName.equals("Activity")) {
      targets.add(object("Task"));
      targets.add(object("Event"));
    } else {
      targets.add(object(objectName));
    }
    for (SObject target : targets) {
      target.field(fieldName, apexType(type, file), writable);
      if ("Lookup".equals(type) || "MasterDetail".equals(type) || "Hierarchy".equals(type)
          || "MetadataRelationship".equals(type)) {
        String referenceTo = text(root, "referenceTo");
        String relationship = fieldName.endsWith("__c")
            ? fieldName.substring(0, fieldName.length() - 3) + "__r"
            : fieldName.replaceAll("Id$", "");
        if (referenceTo != null) {
          target.references.putIfAbsent(relationship, referenceTo);
          String childName = text(root, "relationshipName");
          if (childName != null && !"MetadataRelationship".equals(type)) {
            object(referenceTo).children.putIfAbsent(childName + "__r", target.name);
          }
        }
      }
    }
  }

  /** The object a field file belongs to; an object only extended here (no definition) is EXTENDED_ONLY. */
  private SObject object(String name) {
    SObject existing = objects.get(name);
    if (existing != null) return existing;
    SObject created = new SObject(name, name.endsWith("__c") ? Kind.EXTENDED_ONLY : Kind.STANDARD);
    objects.put(name, created);
    return created;
  }

  private static String apexType(String type, Path file) {
    if (type == null) return "String";
    switch (type) {
      case "Text": case "TextArea": case "LongTextArea": case "Html": case "Email": case "Phone":
      case "Url": case "Picklist": case "MultiselectPicklist": case "EncryptedText": case "AutoNumber":
        return "String";
      case "Number": case "Currency": case "Percent": case "Summary":
        return "Decimal";
      case "Checkbox": return "Boolean";
      case "Date": return "Date";
      case "DateTime": return "Datetime";
      case "Time": return "Time";
      case "Lookup": case "MasterDetail": case "Hierarchy": case "MetadataRelationship": case "ExternalLookup":
        return "Id";
      default:
        throw new IllegalArgumentException(file + ": field type " + type + " is not mapped to an Apex type");
    }
  }

  private void readLabels(Path file) throws Exception {
    Document doc = parse(file);
    if (doc == null) return;
    Element root = doc.getDocumentElement();
    for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element && ((Element) n).getTagName().equals("labels")) {
        String name = text((Element) n, "fullName");
        if (name != null) labels.add(name);
      }
    }
  }

  // ---- standard schema ----------------------------------------------------------------------

  /**
   * Standard objects and their typed fields: {"objects": {"Task": {"fields": {"Subject": "String"},
   * "readOnly": [...], "references": {"What": "Name"}, "children": {"Tasks": "Task"}}}}.
   */
  @SuppressWarnings("unchecked")
  void readSchema(Path file) throws Exception {
    Map<String, Object> json = (Map<String, Object>) Json.parse(Files.readString(file));
    Map<String, Object> standard = (Map<String, Object>) json.get("objects");
    for (Map.Entry<String, Object> entry : standard.entrySet()) {
      Map<String, Object> def = (Map<String, Object>) entry.getValue();
      SObject object = object(entry.getKey());
      object.kind = Kind.STANDARD;
      List<Object> readOnly = (List<Object>) def.getOrDefault("readOnly", List.of());
      Map<String, Object> fields = (Map<String, Object>) def.getOrDefault("fields", Map.of());
      for (Map.Entry<String, Object> f : fields.entrySet()) {
        object.field(f.getKey(), (String) f.getValue(), !readOnly.contains(f.getKey()));
      }
      Map<String, Object> refs = (Map<String, Object>) def.getOrDefault("references", Map.of());
      for (Map.Entry<String, Object> r : refs.entrySet()) object.references.putIfAbsent(r.getKey(), (String) r.getValue());
      Map<String, Object> kids = (Map<String, Object>) def.getOrDefault("children", Map.of());
      for (Map.Entry<String, Object> c : kids.entrySet()) object.children.putIfAbsent(c.getKey(), (String) c.getValue());
    }
    Map<String, Object> polymorphic = (Map<String, Object>) json.get("polymorphic");
    SObject name = object("Name");
    name.kind = Kind.STANDARD;
    for (Map.Entry<String, Object> f : polymorphic.entrySet()) name.field(f.getKey(), (String) f.getValue(), false);
  }

  /** System fields every object of a kind has (added after the declared ones; declared wins). */
  void addSystemFields() {
    for (SObject o : objects.values()) {
      switch (o.kind) {
        case CUSTOM_OBJECT:
        case EXTENDED_ONLY:
          o.field("Id", "Id", true);
          // An object the compiled directories only extend is the customer's: its name field may be
          // an auto-number, so writing Name is not portable.
          o.field("Name", "String", o.kind == Kind.CUSTOM_OBJECT && !o.nameIsAutoNumber);
          o.field("OwnerId", "Id", true);
          o.references.putIfAbsent("Owner", "Name");
          audit(o);
          o.field("IsDeleted", "Boolean", false);
          o.field("LastActivityDate", "Date", false);
          o.field("LastViewedDate", "Datetime", false);
          o.field("LastReferencedDate", "Datetime", false);
          if (o.activities) {
            o.children.putIfAbsent("Tasks", "Task");
            o.children.putIfAbsent("Events", "Event");
          }
          break;
        case LIST_SETTING:
        case HIERARCHY_SETTING:
          o.field("Id", "Id", true);
          o.field("Name", "String", true);
          if (o.kind == Kind.HIERARCHY_SETTING) o.field("SetupOwnerId", "Id", true);
          audit(o);
          o.field("IsDeleted", "Boolean", false);
          break;
        case CUSTOM_METADATA:
          o.field("Id", "Id", true);
          o.field("DeveloperName", "String", true);
          o.field("MasterLabel", "String", true);
          o.field("Label", "String", true);
          o.field("QualifiedApiName", "String", true);
          o.field("NamespacePrefix", "String", true);
          o.field("Language", "String", true);
          o.field("SystemModstamp", "Datetime", false);
          break;
        case PLATFORM_EVENT:
          o.field("ReplayId", "String", false);
          o.field("EventUuid", "String", false);
          o.field("CreatedDate", "Datetime", false);
          o.field("CreatedById", "Id", false);
          o.references.putIfAbsent("CreatedBy", "User");
          break;
        case STANDARD:
          if (!o.name.equals("Name")) {
            o.field("Id", "Id", true);
            audit(o);
            o.field("IsDeleted", "Boolean", false);
          } else {
            o.field("Id", "Id", false);
          }
          break;
        default:
          break;
      }
    }
  }

  private static void audit(SObject o) {
    o.field("CreatedDate", "Datetime", false);
    o.field("CreatedById", "Id", false);
    o.field("LastModifiedDate", "Datetime", false);
    o.field("LastModifiedById", "Id", false);
    o.field("SystemModstamp", "Datetime", false);
    o.references.putIfAbsent("CreatedBy", "User");
    o.references.putIfAbsent("LastModifiedBy", "User");
  }
}
