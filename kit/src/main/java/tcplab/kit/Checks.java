package tcplab.kit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Marks the one class that holds a lab's checks.
 *
 * <p>Checks run in the order of their {@code @Order}, like stages: the first passes after the learner's first
 * small step. Each check has a {@code @DisplayName}, the sentence a learner sees with its capitals and punctuation
 * ({@code "close() waits until the server's thread has ended"}); its method name, with spaces for underscores, is
 * the key the mistakes catalog uses ({@code caught-by:}).
 * The timeout is a backstop only: every check bounds the learner's code itself with {@link LabCode}, which can
 * say where the code was stuck and clean up after it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@Timeout(30)
public @interface Checks {
    /** The lesson this lab belongs to, as in {@code lessons/NN-…}. */
    int lesson();
}
