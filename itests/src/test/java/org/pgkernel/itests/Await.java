package org.pgkernel.itests;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Waiting on a condition with a deadline, never a blind sleep: the probe runs every
 * {@value #POLL_MS} ms until it answers or the deadline passes; then the test fails with what
 * it was waiting for and the probe's last exception.
 */
final class Await {
    static final int POLL_MS = 50;

    /** A probe that may throw (a failed connection attempt is an answer of "not yet"). */
    @FunctionalInterface
    interface Probe {
        boolean test() throws Exception;
    }

    private Await() { }

    static void until(String what, Duration timeout, Probe probe) throws InterruptedException {
        value(what, timeout, () -> probe.test() ? Optional.of(Boolean.TRUE) : Optional.empty());
    }

    /** Polls until the probe returns a present value, and returns it. */
    static <T> T value(String what, Duration timeout, Callable<Optional<T>> probe) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        for (;;) {
            try {
                Optional<T> v = probe.call();
                if (v.isPresent()) return v.get();
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                last = e;
            }
            if (System.nanoTime() > deadline) {
                AssertionError e = new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what
                        + (last == null ? "" : "; last error: " + last));
                if (last != null) e.initCause(last);
                throw e;
            }
            Thread.sleep(POLL_MS);
        }
    }
}
