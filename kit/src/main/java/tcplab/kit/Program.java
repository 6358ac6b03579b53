package tcplab.kit;

import java.io.InputStream;
import java.io.PrintStream;

/**
 * The shape of every lab program: {@code main} is one line around {@code run}, so checks can call {@code run}
 * in-process with their own input and output, and read its exit code, without {@code System.exit} ending the
 * grader.
 */
@FunctionalInterface
public interface Program {
    int run(String[] args, InputStream in, PrintStream out, PrintStream err) throws Exception;
}
