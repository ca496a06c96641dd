package dev.doco.core.apicheck;

import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.AnnotatedType;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Renders the public API of a compiled module as text, one type per block, in the spirit of
 * OkHttp's checked-in {@code .api} files.
 *
 * <p>The packages are the module's unqualified {@code exports} (read from its {@code
 * module-info.class}); a type is in the API when it and every type enclosing it are public or
 * protected. Each type is a header line (modifiers, kind, name, type parameters, supertypes,
 * permitted subtypes) followed by its public and protected constructors, methods and fields, one
 * per indented line, sorted by kind (fields, constructors, methods) and name. A top-level jspecify
 * {@code @Nullable} on a return, parameter or field type is shown, since nullness is part of the
 * contract.
 */
public final class ApiDump {
  private static final String NULLABLE = "org.jspecify.annotations.Nullable";

  private ApiDump() {}

  /**
   * The API text of the module whose classes are in {@code classesDir} (a Maven {@code
   * target/classes} directory), loading the classes with {@code loader}.
   */
  public static String render(Path classesDir, ClassLoader loader)
      throws IOException, ClassNotFoundException {
    Set<String> packages = exportedPackages(classesDir);
    TreeMap<String, List<String>> blocks = new TreeMap<>();
    for (String pkg : packages) {
      Path dir = classesDir.resolve(pkg.replace('.', '/'));
      if (!Files.isDirectory(dir)) {
        continue;
      }
      List<Path> classFiles;
      try (Stream<Path> files = Files.list(dir)) {
        classFiles =
            files
                .filter(f -> f.getFileName().toString().endsWith(".class"))
                .filter(f -> !f.getFileName().toString().equals("package-info.class"))
                .sorted()
                .collect(Collectors.toList());
      }
      for (Path file : classFiles) {
        String simple = file.getFileName().toString();
        String name = pkg + "." + simple.substring(0, simple.length() - ".class".length());
        Class<?> type = Class.forName(name, false, loader);
        if (type.isSynthetic()
            || type.isAnonymousClass()
            || type.isLocalClass()
            || !visible(type)) {
          continue;
        }
        blocks.put(type.getName(), block(type));
      }
    }
    StringBuilder out = new StringBuilder();
    for (List<String> lines : blocks.values()) {
      for (String line : lines) {
        out.append(line).append('\n');
      }
      out.append('\n');
    }
    return out.toString();
  }

  /** The unqualified exports of the {@code module-info.class} in {@code classesDir}. */
  public static Set<String> exportedPackages(Path classesDir) throws IOException {
    Path moduleInfo = classesDir.resolve("module-info.class");
    try (InputStream in = Files.newInputStream(moduleInfo)) {
      ModuleDescriptor descriptor = ModuleDescriptor.read(in);
      return descriptor.exports().stream()
          .filter(e -> !e.isQualified())
          .map(ModuleDescriptor.Exports::source)
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  private static boolean visible(Class<?> type) {
    for (Class<?> c = type; c != null; c = c.getDeclaringClass()) {
      int m = c.getModifiers();
      boolean nested = c.getDeclaringClass() != null;
      if (!(Modifier.isPublic(m) || (nested && Modifier.isProtected(m)))) {
        return false;
      }
    }
    return true;
  }

  private static boolean visibleMember(Member member) {
    int m = member.getModifiers();
    return !member.isSynthetic() && (Modifier.isPublic(m) || Modifier.isProtected(m));
  }

  private static List<String> block(Class<?> type) {
    List<String> lines = new ArrayList<>();
    lines.add(header(type));
    // Sorted by kind (fields, constructors, methods), then name, then the rendered line.
    TreeMap<String, String> members = new TreeMap<>();
    for (Field f : type.getDeclaredFields()) {
      if (visibleMember(f)) {
        String mods = Modifier.toString(f.getModifiers() & Modifier.fieldModifiers());
        String kind = f.isEnumConstant() ? "enum constant " : "";
        String line =
            join(
                mods,
                kind + annotated(f.getAnnotatedType(), f.getGenericType()) + " " + f.getName());
        members.put("0 " + f.getName() + " " + line, line);
      }
    }
    for (Constructor<?> c : type.getDeclaredConstructors()) {
      if (visibleMember(c)) {
        String line = executable(c, type, null);
        members.put("1 " + line, line);
      }
    }
    for (Method m : type.getDeclaredMethods()) {
      if (visibleMember(m) && !m.isBridge()) {
        String line = executable(m, type, m);
        members.put("2 " + m.getName() + " " + line, line);
      }
    }
    for (String member : members.values()) {
      lines.add("  " + member);
    }
    return lines;
  }

  private static String header(Class<?> type) {
    int mods = type.getModifiers();
    String kind;
    if (type.isAnnotation()) {
      kind = "@interface";
      mods &= ~(Modifier.ABSTRACT | Modifier.INTERFACE);
    } else if (type.isInterface()) {
      kind = "interface";
      mods &= ~(Modifier.ABSTRACT | Modifier.INTERFACE);
    } else if (type.isEnum()) {
      kind = "enum";
      mods &= ~(Modifier.FINAL | Modifier.ABSTRACT);
    } else if (type.isRecord()) {
      kind = "record";
      mods &= ~Modifier.FINAL;
    } else {
      kind = "class";
    }
    mods &= Modifier.classModifiers() | Modifier.INTERFACE;
    StringBuilder h = new StringBuilder();
    String modifiers = Modifier.toString(mods);
    if (type.isSealed()) {
      modifiers = modifiers.isEmpty() ? "sealed" : modifiers + " sealed";
    }
    h.append(
        join(modifiers, kind + " " + type.getName() + typeParameters(type.getTypeParameters())));
    Type superclass = type.getGenericSuperclass();
    if (superclass != null
        && !type.isInterface()
        && !superclass.equals(Object.class)
        && !(type.isEnum() || type.isRecord())) {
      h.append(" extends ").append(superclass.getTypeName());
    }
    Type[] interfaces = type.getGenericInterfaces();
    if (interfaces.length > 0 && !type.isAnnotation()) {
      h.append(type.isInterface() ? " extends " : " implements ");
      h.append(
          Arrays.stream(interfaces)
              .map(Type::getTypeName)
              .sorted()
              .collect(Collectors.joining(", ")));
    }
    Class<?>[] permitted = type.getPermittedSubclasses();
    if (permitted != null && permitted.length > 0) {
      h.append(" permits ");
      h.append(
          Arrays.stream(permitted).map(Class::getName).sorted().collect(Collectors.joining(", ")));
    }
    return h.toString();
  }

  private static String executable(Executable e, Class<?> owner, @Nullable Method method) {
    int mods =
        e.getModifiers()
            & (method != null ? Modifier.methodModifiers() : Modifier.constructorModifiers());
    if (owner.isInterface()) {
      mods &= ~(Modifier.PUBLIC | Modifier.ABSTRACT); // implied
    }
    String modifiers = Modifier.toString(mods);
    if (method != null && method.isDefault()) {
      modifiers = join("default", modifiers);
    }
    StringBuilder s = new StringBuilder();
    String typeParams = typeParameters(e.getTypeParameters());
    String returnType =
        method != null
            ? annotated(method.getAnnotatedReturnType(), method.getGenericReturnType())
            : "";
    String name = method != null ? method.getName() : owner.getSimpleName();
    s.append(join(modifiers, join(typeParams.trim(), join(returnType, name))));
    s.append('(');
    AnnotatedType[] annotatedParams = e.getAnnotatedParameterTypes();
    Type[] params = e.getGenericParameterTypes();
    // Inner-class and enum constructors can report fewer generic than annotated parameters.
    if (annotatedParams.length != params.length) {
      params = e.getParameterTypes();
    }
    List<String> rendered = new ArrayList<>();
    for (int i = 0; i < params.length; i++) {
      String p =
          annotated(annotatedParams.length == params.length ? annotatedParams[i] : null, params[i]);
      if (e.isVarArgs() && i == params.length - 1 && p.endsWith("[]")) {
        p = p.substring(0, p.length() - 2) + "...";
      }
      rendered.add(p);
    }
    s.append(String.join(", ", rendered)).append(')');
    Type[] exceptions = e.getGenericExceptionTypes();
    if (exceptions.length > 0) {
      s.append(" throws ")
          .append(
              Arrays.stream(exceptions)
                  .map(Type::getTypeName)
                  .sorted()
                  .collect(Collectors.joining(", ")));
    }
    return s.toString();
  }

  private static String annotated(@Nullable AnnotatedType annotated, Type type) {
    String name = type.getTypeName();
    if (annotated != null) {
      for (Annotation a : annotated.getDeclaredAnnotations()) {
        if (a.annotationType().getName().equals(NULLABLE)) {
          return "@Nullable " + name;
        }
      }
    }
    return name;
  }

  private static String typeParameters(TypeVariable<?>[] variables) {
    if (variables.length == 0) {
      return "";
    }
    List<String> parts = new ArrayList<>();
    for (TypeVariable<?> v : variables) {
      Type[] bounds = v.getBounds();
      if (bounds.length == 1 && bounds[0].equals(Object.class)) {
        parts.add(v.getName());
      } else {
        parts.add(
            v.getName()
                + " extends "
                + Arrays.stream(bounds).map(Type::getTypeName).collect(Collectors.joining(" & ")));
      }
    }
    return "<" + String.join(", ", parts) + ">";
  }

  private static String join(String a, String b) {
    if (a.isEmpty()) {
      return b;
    }
    if (b.isEmpty()) {
      return a;
    }
    return a + " " + b;
  }
}
