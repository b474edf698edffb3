package dev.cutover.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** No third-party type (commons-exec, OkHttp, JGit, Jackson databind) in core's public signatures. */
class PublicApiTest {
  private static final List<String> THIRD_PARTY =
      List.of("org.apache.commons.exec.", "okhttp3.", "org.eclipse.jgit.", "com.fasterxml.jackson.databind.");

  @Test
  void publicSignatures_everyPublicClass_noThirdPartyTypes() throws Exception {
    List<String> leaks = new ArrayList<>();
    for (Class<?> c : publicClasses()) {
      for (Type t : supertypes(c)) {
        check(c.getName() + " extends/implements", t, leaks);
      }
      for (Constructor<?> k : c.getConstructors()) {
        checkExecutable(c.getName() + ".<init>", k, leaks);
      }
      for (Method m : c.getMethods()) {
        if (m.getDeclaringClass() == c) {
          checkExecutable(c.getName() + "." + m.getName(), m, leaks);
          check(c.getName() + "." + m.getName() + " returns", m.getGenericReturnType(), leaks);
        }
      }
      for (Field f : c.getFields()) {
        check(c.getName() + "." + f.getName(), f.getGenericType(), leaks);
      }
    }
    assertThat(leaks).isEmpty();
  }

  private static void checkExecutable(String where, Executable e, List<String> leaks) {
    for (Type t : e.getGenericParameterTypes()) {
      check(where + " parameter", t, leaks);
    }
    for (Type t : e.getGenericExceptionTypes()) {
      check(where + " throws", t, leaks);
    }
  }

  private static void check(String where, Type t, List<String> leaks) {
    String name = t.getTypeName();
    THIRD_PARTY.stream().filter(name::contains).findFirst().ifPresent(p -> leaks.add(where + ": " + name));
  }

  private static List<Type> supertypes(Class<?> c) {
    List<Type> types = new ArrayList<>(List.of(c.getGenericInterfaces()));
    if (c.getGenericSuperclass() != null) {
      types.add(c.getGenericSuperclass());
    }
    return types;
  }

  private static List<Class<?>> publicClasses() throws IOException, ClassNotFoundException {
    Path classes = Path.of(URI.create(Secret.class.getProtectionDomain().getCodeSource().getLocation().toString()));
    List<Class<?>> result = new ArrayList<>();
    try (Stream<Path> files = Files.walk(classes)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
        String name = classes.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "");
        Class<?> c = Class.forName(name, false, PublicApiTest.class.getClassLoader());
        if (Modifier.isPublic(c.getModifiers())) {
          result.add(c);
        }
      }
    }
    assertThat(result).contains(Secret.class, dev.cutover.core.process.internal.ExecProcessRunner.class);
    return result;
  }
}
