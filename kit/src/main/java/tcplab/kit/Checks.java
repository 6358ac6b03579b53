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
 * small step. Method names are sentences ({@code several_writes_can_arrive_as_one_read}) and are shown with spaces.
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
