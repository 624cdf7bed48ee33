package org.pgkernel.kernel.api;

import java.util.concurrent.locks.LockSupport;

/**
 * A process latch, as latch.h describes it: a boolean that one process waits on and any
 * process (or the postmaster, or a network thread) sets. Works for virtual and platform
 * threads alike (park/unpark).
 *
 * <p>The correct usage loop resets the latch <em>before</em> checking for work, so that a
 * set() that arrives between the check and the wait is never lost:
 * <pre>
 * for (;;) {
 *     latch.reset();
 *     if (work to do) { do it; continue; }
 *     process.checkForInterrupts();
 *     latch.await(timeout);
 * }
 * </pre>
 */
public final class Latch {
    private volatile boolean isSet;
    private volatile Thread owner;

    /** Makes the calling thread the one that waits on this latch. */
    public void own() { owner = Thread.currentThread(); }

    /** Sets the latch and wakes its owner if it waits. Safe from any thread. */
    public void set() {
        if (isSet) return;
        isSet = true;
        Thread t = owner;
        if (t != null) LockSupport.unpark(t);
    }

    public void reset() { isSet = false; }

    public boolean isSet() { return isSet; }

    /**
     * Waits until the latch is set or the timeout passes; {@code timeoutMillis < 0} waits
     * without limit. Returns true when the latch is set. Does not reset it.
     */
    public boolean await(long timeoutMillis) {
        if (isSet) return true;
        if (owner != Thread.currentThread()) owner = Thread.currentThread();
        long deadline = timeoutMillis < 0 ? 0 : System.nanoTime() + timeoutMillis * 1_000_000L;
        while (!isSet) {
            if (timeoutMillis < 0) {
                LockSupport.park(this);
            } else {
                long left = deadline - System.nanoTime();
                if (left <= 0) return isSet;
                LockSupport.parkNanos(this, left);
            }
        }
        return true;
    }
}
