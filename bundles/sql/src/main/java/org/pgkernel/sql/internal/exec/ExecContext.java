package org.pgkernel.sql.internal.exec;

import java.time.Instant;
import java.util.function.Consumer;
import org.pgkernel.kernel.api.PgException;
import org.pgkernel.kernel.api.ServerProcess;
import org.pgkernel.sql.api.SessionEnvironment;
import org.pgkernel.sql.internal.types.FormatSettings;

/**
 * What an executing statement sees (cf. EState): the session environment, the bound
 * parameter values, the format settings read at statement start, the transaction and
 * statement start times (now() is fixed per transaction), and where notices go.
 */
public final class ExecContext {
    private final SessionEnvironment env;
    private final Object[] params;
    private final FormatSettings format;
    private final Instant transactionStart;
    private final Instant statementStart;
    private final Consumer<PgException> notices;
    private final SessionHooks hooks;

    /** Session-level operations a function may need that are not part of the environment. */
    public interface SessionHooks {
        /** Re-reads FormatSettings after a set_config() (so later rows format with the new values). */
        void settingsChanged();

        FormatSettings currentFormat();

        /** pg_notify(): queues a notification until commit, as NOTIFY does (cf. Async_Notify()). */
        void notify(String channel, String payload);

        /** pg_listening_channels(): the channels of committed LISTENs, in their order. */
        java.util.List<String> listeningChannels();
    }

    public ExecContext(SessionEnvironment env, Object[] params, FormatSettings format, Instant transactionStart,
                       Instant statementStart, Consumer<PgException> notices, SessionHooks hooks) {
        this.env = env;
        this.params = params;
        this.format = format;
        this.transactionStart = transactionStart;
        this.statementStart = statementStart;
        this.notices = notices;
        this.hooks = hooks;
    }

    public SessionEnvironment env() { return env; }
    public Object[] params() { return params; }
    public FormatSettings format() { return hooks != null ? hooks.currentFormat() : format; }
    public Instant transactionStart() { return transactionStart; }
    public Instant statementStart() { return statementStart; }
    public void notice(PgException n) { notices.accept(n); }
    public SessionHooks hooks() { return hooks; }

    /** CHECK_FOR_INTERRUPTS(): cancel, statement timeout and terminate act here. */
    public void checkForInterrupts() {
        ServerProcess p = env == null ? null : env.process();
        if (p != null) p.checkForInterrupts();
    }
}
