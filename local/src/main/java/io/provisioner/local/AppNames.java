package io.provisioner.local;

import java.util.function.Supplier;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * Which of the local run's apps a thread works for, so each log line names its own app although all
 * share one JVM and one logging system. A thread inherits the name from the thread that made it, and
 * every thread of an app (Tomcat's, the Kafka listeners', the schedulers') descends from the thread that
 * started the app under its name.
 */
final class AppNames {

    private static final InheritableThreadLocal<String> CURRENT = new InheritableThreadLocal<>();

    private AppNames() {
    }

    /** Runs {@code start} under {@code app}'s name, so the threads it makes carry that name. */
    static <T> T starting(String app, Supplier<T> start) {
        String before = CURRENT.get();
        CURRENT.set(app);
        try {
            return start.get();
        } finally {
            CURRENT.set(before);
        }
    }

    /** Starts {@code app} on a thread of its own, under its name; {@link #await} its result. */
    static <T> java.util.concurrent.CompletableFuture<T> startingAside(String app, Supplier<T> start) {
        java.util.concurrent.CompletableFuture<T> result = new java.util.concurrent.CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(starting(app, start));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "start-" + app);
        thread.start();
        return result;
    }

    /** The started app, or its start's failure as it was thrown. */
    static <T> T await(java.util.concurrent.CompletableFuture<T> start) {
        try {
            return start.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw e;
        }
    }

    /** {@code %app} in the local run's log pattern ({@code logback-local.xml}). */
    public static final class Converter extends ClassicConverter {

        @Override
        public String convert(ILoggingEvent event) {
            String app = CURRENT.get();
            return app == null ? "local" : app;
        }
    }
}
