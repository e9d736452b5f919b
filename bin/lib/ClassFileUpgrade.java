import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassFileVersion;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * Used by bin/pipewright on a JDK 25 or newer (java.lang.classfile), once per build: a client
 * command's class path with every jar that holds class files older than Java 6 (picocli's are Java
 * 5) replaced by a copy of it whose old class files are rewritten as Java 8 ones. The code of every
 * method stays as it is; only the class file version changes and the stack maps the newer verifier
 * needs are computed. Class files that old are checked by the old type-inferring verifier on every
 * start and cannot go into the AOT cache; rewritten, they are verified once, when the cache is
 * made, and come from it loaded and linked.
 *
 * <p>{@code java ClassFileUpgrade.java DIR CLASSPATH}: writes the copies into DIR and prints the
 * class path to use.
 */
public final class ClassFileUpgrade {
  private static final int OLDEST_KEPT = ClassFile.JAVA_6_VERSION;

  private ClassFileUpgrade() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    Files.createDirectories(dir);
    List<String> classPath = new ArrayList<>();
    for (String entry : args[1].split(":")) {
      Path jar = Path.of(entry);
      classPath.add(hasOldClasses(jar) ? upgrade(jar, dir).toString() : entry);
    }
    System.out.println(String.join(":", classPath));
  }

  private static boolean hasOldClasses(Path jar) throws IOException {
    if (!Files.isRegularFile(jar) || !jar.toString().endsWith(".jar")) {
      return false;
    }
    try (JarFile file = new JarFile(jar.toFile())) {
      for (JarEntry entry : Collections.list(file.entries())) {
        if (isUpgradable(entry)) {
          try (InputStream in = file.getInputStream(entry)) {
            if (majorVersion(in.readNBytes(8)) < OLDEST_KEPT) {
              return true;
            }
          }
        }
      }
    }
    return false;
  }

  private static boolean isUpgradable(JarEntry entry) {
    String name = entry.getName();
    return name.endsWith(".class")
        && !name.startsWith("META-INF/")
        && !name.endsWith("module-info.class");
  }

  private static int majorVersion(byte[] header) {
    return header.length < 8 ? Integer.MAX_VALUE : ((header[6] & 0xff) << 8) | (header[7] & 0xff);
  }

  private static Path upgrade(Path jar, Path dir) throws IOException {
    Path target = dir.resolve(jar.getFileName());
    Path partial = dir.resolve(jar.getFileName() + "." + ProcessHandle.current().pid());
    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()});
        JarFile in = new JarFile(jar.toFile());
        OutputStream file = Files.newOutputStream(partial);
        JarOutputStream out = new JarOutputStream(file)) {
      // The stack maps name the common super class of two types: the jar's own classes are read
      // from the jar, the JDK's from the running JDK.
      ClassFile classFile =
          ClassFile.of(
              ClassFile.ClassHierarchyResolverOption.of(
                  ClassHierarchyResolver.defaultResolver()
                      .orElse(ClassHierarchyResolver.ofResourceParsing(loader))));
      ClassTransform toJava8 =
          ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL)
              .andThen(
                  (builder, element) -> {
                    if (element instanceof ClassFileVersion) {
                      builder.withVersion(ClassFile.JAVA_8_VERSION, 0);
                    } else {
                      builder.with(element);
                    }
                  });
      for (JarEntry entry : Collections.list(in.entries())) {
        if (entry.isDirectory()) {
          continue;
        }
        byte[] bytes;
        try (InputStream data = in.getInputStream(entry)) {
          bytes = data.readAllBytes();
        }
        if (isUpgradable(entry) && majorVersion(bytes) < OLDEST_KEPT) {
          bytes = classFile.transformClass(classFile.parse(bytes), toJava8);
        }
        out.putNextEntry(new JarEntry(entry.getName()));
        out.write(bytes);
        out.closeEntry();
      }
    }
    Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
    return target;
  }
}
