package org.pgkernel.itests;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.postgresql.PGConnection;

/** Helpers for tests that interrupt a session from outside: run a statement in the background, see it active. */
final class Sessions {
    private Sessions() { }

    static int pid(Connection c) throws SQLException { return c.unwrap(PGConnection.class).getBackendPID(); }

    /** Runs {@code sql} on {@code c} in a thread of its own; the future fails with the statement's SQLException. */
    static Future<Void> executeInBackground(Connection c, String sql) {
        FutureTask<Void> task = new FutureTask<>(() -> {
            try (Statement s = c.createStatement()) {
                s.execute(sql);
            }
            return null;
        });
        Thread.ofPlatform().daemon().name("it-session").start(task);
        return task;
    }

    /** Runs {@code body} in a thread of its own. */
    static <T> Future<T> inBackground(Callable<T> body) {
        FutureTask<T> task = new FutureTask<>(body);
        Thread.ofPlatform().daemon().name("it-background").start(task);
        return task;
    }

    /**
     * Waits until pg_stat_activity, read through {@code watcher}, shows backend {@code pid}
     * running a statement; fails at once if the statement already ended.
     */
    static void awaitActive(Connection watcher, int pid, Future<?> running) throws InterruptedException {
        Await.until("backend " + pid + " to be active in pg_stat_activity", Duration.ofSeconds(10), () -> {
            if (running.isDone()) {
                Throwable cause = null;
                try {
                    running.get();
                } catch (ExecutionException e) {
                    cause = e.getCause();
                }
                throw new AssertionError("the statement ended before the test could interrupt it", cause);
            }
            return isActive(watcher, pid);
        });
    }

    static boolean isActive(Connection watcher, int pid) throws SQLException {
        try (PreparedStatement ps = watcher.prepareStatement("SELECT state FROM pg_stat_activity WHERE pid = ?")) {
            ps.setInt(1, pid);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && "active".equals(rs.getString(1));
            }
        }
    }

    /** The SQLException the background statement failed with, within {@code timeout}; fails if it succeeded or hangs. */
    static SQLException failure(Future<?> running, Duration timeout) throws InterruptedException {
        try {
            running.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SQLException s) return s;
            throw new AssertionError("the statement failed with something other than an SQLException", e.getCause());
        } catch (TimeoutException e) {
            // not running.cancel(true): interrupting pgjdbc's thread would break the connection
            throw new AssertionError("the statement was still running after " + timeout.toMillis() + " ms");
        }
        throw new AssertionError("the statement completed normally; it should have been interrupted");
    }
}
