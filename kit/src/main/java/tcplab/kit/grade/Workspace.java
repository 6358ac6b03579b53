package tcplab.kit.grade;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where everything is in a checkout of the kit. The launcher passes the root as {@code -Dtcplab.root}; all the
 * CLI's own files live in the git-ignored {@code .tcplab/} folder, so a learner's tree stays clean.
 */
public record Workspace(Path root) {

    public static Workspace fromSystem() {
        return new Workspace(Path.of(System.getProperty("tcplab.root", ".")).toAbsolutePath().normalize());
    }

    public Path stateDir() {
        return root.resolve(".tcplab");
    }

    public Path progressFile() {
        return stateDir().resolve("progress.properties");
    }

    /** Where the learner's lab NN is compiled to, apart from Maven's folders. */
    public Path learnerClasses(Lab lab) {
        return stateDir().resolve("classes/lab" + lab.id());
    }

    /** The checks, compiled by the build against the reference (same class names and signatures as the stubs). */
    public Path checkClasses() {
        return root.resolve("solutions/target/test-classes");
    }

    public Path referenceClasses() {
        return root.resolve("solutions/target/classes");
    }

    public Path siteDir() {
        return root.resolve("docs/target/site");
    }

    /** The class path the CLI itself runs on: the kit and its libraries. */
    public String kitClassPath() {
        return System.getProperty("java.class.path");
    }

    /** A class path string made of the kit's and {@code more}. */
    public String classPathWith(List<Path> more) {
        var sb = new StringBuilder();
        for (Path p : more) {
            sb.append(p).append(File.pathSeparator);
        }
        return sb.append(kitClassPath()).toString();
    }

    public List<Lab> lessons() {
        return Lab.all(root);
    }

    public Optional<Lab> lesson(String id) {
        return Lab.find(root, id);
    }

    /** True when the build has produced what grading needs. */
    public boolean built() {
        return Files.isDirectory(checkClasses()) && Files.isDirectory(referenceClasses());
    }

    /** A path as the learner would type it from the root of the checkout. */
    public String show(Path p) {
        return root.relativize(p.toAbsolutePath().normalize()).toString();
    }
}
