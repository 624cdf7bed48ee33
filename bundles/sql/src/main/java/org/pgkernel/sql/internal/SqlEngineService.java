package org.pgkernel.sql.internal;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.pgkernel.sql.api.SessionEnvironment;
import org.pgkernel.sql.api.SqlEngine;
import org.pgkernel.sql.api.SqlSession;
import org.pgkernel.sql.internal.session.Session;

/**
 * The SQL engine service. It owns the one scheduler that arms statement timeouts for
 * every session (a timer only calls {@code requestCancel} on the target process, so one
 * daemon thread serves all backends); sessions themselves hold no threads.
 */
@Component(service = SqlEngine.class)
public final class SqlEngineService implements SqlEngine {
    private final ScheduledThreadPoolExecutor timers;

    @Activate
    public SqlEngineService() {
        timers = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "pgkernel statement timeouts");
            t.setDaemon(true);
            return t;
        });
        timers.setRemoveOnCancelPolicy(true);
    }

    @Override
    public SqlSession openSession(SessionEnvironment environment) {
        return new Session(environment, timers);
    }

    /** The shared timer, for tests. */
    ScheduledExecutorService timers() { return timers; }

    @Deactivate
    void deactivate() {
        timers.shutdownNow();
    }
}
