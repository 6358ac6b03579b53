package tcplab.lab09;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where the conversations run: one new thread for each, a virtual thread on JDK 21 and newer, a platform thread on
 * JDK 17. The kit compiles for Java 17 ({@code --release 17}), where {@code Thread.ofVirtual()} does not exist yet,
 * so this class looks the virtual-thread calls up at run time instead of naming them in the source.
 */
public final class Threads {

    private Threads() {}

    /** The threads made here, weakly held: the checks count those still alive, a learner never needs them. */
    private static final Set<Thread> MADE = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    // tag::virtual[]
    /** {@code Thread.ofVirtual()}, found at run time; null on a JDK older than 21. */
    private static final Method OF_VIRTUAL = lookUp(Thread.class, "ofVirtual");

    /** True on JDK 21 and newer: {@link #perTaskExecutor} then runs each task on a virtual thread. */
    public static boolean virtual() {
        return OF_VIRTUAL != null;
    }

    /**
     * An executor that starts a new thread for every task it is given, named {@code name-1}, {@code name-2}…: a
     * virtual thread on JDK 21+ (what {@code Executors.newVirtualThreadPerTaskExecutor()} gives), on JDK 17 a
     * daemon platform thread from a cached pool (an idle one is used again; it ends after {@code shutdown()}).
     * Either way a task never waits for another one to finish, and neither kind keeps the JVM alive.
     */
    public static ExecutorService perTaskExecutor(String name) {
        var count = new AtomicLong();
        ThreadFactory platform = task -> {
            Thread t = new Thread(task, name + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        ThreadFactory factory = virtual() ? virtualFactory(name) : platform;
        ThreadFactory counted = task -> {
            Thread t = factory.newThread(task);
            MADE.add(t);
            return t;
        };
        return virtual() ? threadPerTask(counted) : Executors.newCachedThreadPool(counted);
    }
    // end::virtual[]

    /** The threads {@link #perTaskExecutor} made that have not ended yet. */
    public static List<Thread> alive() {
        synchronized (MADE) {
            var alive = new ArrayList<Thread>();
            for (Thread t : MADE) {
                if (t.isAlive()) {
                    alive.add(t);
                }
            }
            return alive;
        }
    }

    /** {@code Thread.ofVirtual().name(name + "-", 1).factory()}, called through reflection. */
    private static ThreadFactory virtualFactory(String name) {
        try {
            Object builder = OF_VIRTUAL.invoke(null);
            Class<?> builderType = Class.forName("java.lang.Thread$Builder");
            builder = builderType.getMethod("name", String.class, long.class).invoke(builder, name + "-", 1L);
            return (ThreadFactory) builderType.getMethod("factory").invoke(builder);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this JDK has Thread.ofVirtual() but not the rest of its API", e);
        }
    }

    /** {@code Executors.newThreadPerTaskExecutor(factory)} (JDK 21+), called through reflection. */
    private static ExecutorService threadPerTask(ThreadFactory factory) {
        try {
            return (ExecutorService) Executors.class.getMethod("newThreadPerTaskExecutor", ThreadFactory.class)
                    .invoke(null, factory);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this JDK has virtual threads but no newThreadPerTaskExecutor", e);
        }
    }

    private static Method lookUp(Class<?> type, String method) {
        try {
            return type.getMethod(method);
        } catch (NoSuchMethodException e) {
            return null;
        }
    }
}
