package tcplab.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Labs 03 and 04 share the frame's methods (issue 8): the same signatures, modifiers and Javadoc in both stubs, so a
 * learner's code moves from the client to the server unchanged, and all of them public, so {@code ./tcplab jshell
 * NN} can call them. This pins it, so the two cannot drift apart again.
 */
class SharedFrameShapeTest {

    private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent();
    private static final List<String> METHODS = List.of("frame", "text", "readFrame");

    private static final Class<?> CLIENT = load("tcplab.lab03.Client");
    private static final Class<?> SERVER = load("tcplab.lab04.Server");

    @Test
    void the_frame_methods_have_the_same_signature_in_labs_03_and_04_and_are_public() {
        var problems = new ArrayList<String>();
        for (String name : METHODS) {
            Method c = only(CLIENT, name);
            Method s = only(SERVER, name);
            if (!signature(c).equals(signature(s))) {
                problems.add("lab 03: " + signature(c) + "\n  lab 04: " + signature(s));
            }
            requirePublicStatic(c, problems);
            requirePublicStatic(s, problems);
        }
        Field c = field(CLIENT, "FRAME_SIZE");
        Field s = field(SERVER, "FRAME_SIZE");
        if (!describe(c).equals(describe(s))) {
            problems.add("lab 03: " + describe(c) + "\n  lab 04: " + describe(s));
        }
        requirePublicStatic(c, problems);
        if (!problems.isEmpty()) {
            fail("labs 03 and 04 must share the frame's shape:\n  " + String.join("\n  ", problems));
        }
    }

    @Test
    void the_frame_size_is_128_in_both_labs_and_in_lab_05s_frames() throws ReflectiveOperationException {
        assertEquals(128, field(CLIENT, "FRAME_SIZE").getInt(null));
        assertEquals(128, field(SERVER, "FRAME_SIZE").getInt(null));
        assertEquals(128, field(load("tcplab.lab05.Frames"), "FRAME_SIZE").getInt(null));
    }

    @Test
    void the_frame_methods_have_the_same_javadoc_in_labs_03_and_04() throws IOException {
        String client = source("labs/src/main/java/tcplab/lab03/Client.java");
        String server = source("labs/src/main/java/tcplab/lab04/Server.java");
        var problems = new ArrayList<String>();
        for (String declaration : List.of("public static final int FRAME_SIZE", "public static byte[] frame(",
                "public static String text(", "public static byte[] readFrame(")) {
            String c = javadocBefore(client, declaration);
            String s = javadocBefore(server, declaration);
            if (c == null || !c.equals(s)) {
                problems.add(declaration + "\n    lab 03: " + c + "\n    lab 04: " + s);
            }
        }
        if (!problems.isEmpty()) {
            fail("the Javadoc of the shared members differs (it must be word for word the same):\n  "
                    + String.join("\n  ", problems));
        }
    }

    /** The lesson tells the learner to try these in JShell, which is not in package tcplab.lab03. */
    @Test
    void lab_03s_exchange_and_run_are_public_too() {
        for (String name : List.of("exchange", "run")) {
            for (Method m : CLIENT.getDeclaredMethods()) {
                if (m.getName().equals(name)) {
                    assertTrue(Modifier.isPublic(m.getModifiers()), signature(m) + " must be public");
                }
            }
        }
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, SharedFrameShapeTest.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new AssertionError(name + " is not on the class path", e);
        }
    }

    private static Method only(Class<?> type, String name) {
        List<Method> found = Arrays.stream(type.getDeclaredMethods()).filter(m -> m.getName().equals(name)).toList();
        assertEquals(1, found.size(), type.getName() + " must declare exactly one method " + name + ": " + found);
        return found.get(0);
    }

    private static Field field(Class<?> type, String name) {
        try {
            return type.getDeclaredField(name);
        } catch (NoSuchFieldException e) {
            throw new AssertionError(type.getName() + " has no field " + name, e);
        }
    }

    /** Modifiers, return type, name, parameter types and declared exceptions: everything but the class. */
    private static String signature(Method m) {
        return Modifier.toString(m.getModifiers()) + " " + m.getReturnType().getTypeName() + " " + m.getName()
                + Arrays.stream(m.getParameterTypes()).map(Class::getTypeName).toList()
                + " throws " + Arrays.stream(m.getExceptionTypes()).map(Class::getTypeName).toList();
    }

    private static String describe(Field f) {
        return Modifier.toString(f.getModifiers()) + " " + f.getType().getTypeName() + " " + f.getName();
    }

    private static void requirePublicStatic(Member m, List<String> problems) {
        if (!Modifier.isPublic(m.getModifiers()) || !Modifier.isStatic(m.getModifiers())) {
            problems.add(m.getDeclaringClass().getName() + "." + m.getName() + " must be public static");
        }
    }

    private static String source(String path) throws IOException {
        return Files.readString(ROOT.resolve(path), StandardCharsets.UTF_8);
    }

    /** The Javadoc right above {@code declaration}, its lines joined and stripped of their stars; null if none. */
    private static String javadocBefore(String source, String declaration) {
        int at = source.indexOf(declaration);
        if (at < 0) {
            return null;
        }
        Matcher doc = Pattern.compile("/\\*\\*((?:(?!\\*/).)*)\\*/\\s*$", Pattern.DOTALL)
                .matcher(source.substring(0, source.lastIndexOf('\n', at) + 1));
        if (!doc.find()) {
            return null;
        }
        return doc.group(1).replaceAll("(?m)^\\s*\\*", " ").replaceAll("\\s+", " ").strip();
    }
}
