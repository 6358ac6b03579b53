package tcplab.kit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What a learner should look at when this check fails: the likely causes, in a beginner's words, and where the
 * lesson explains it. The grader prints it under the first failure; {@code ./tcplab hint NN} prints it on demand;
 * the build fails if a check has none.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Hint {
    String value();
}
