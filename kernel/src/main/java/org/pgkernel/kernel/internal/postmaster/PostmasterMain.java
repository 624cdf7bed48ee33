package org.pgkernel.kernel.internal.postmaster;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.pgkernel.kernel.api.Activity;
import org.pgkernel.kernel.api.BackendStatus;
import org.pgkernel.kernel.api.BackendType;
import org.pgkernel.kernel.api.ErrorSeverity;
import org.pgkernel.kernel.api.Latch;
import org.pgkernel.kernel.api.Notifications;
import org.pgkernel.kernel.api.PgException;
import org.pgkernel.kernel.api.PmState;
import org.pgkernel.kernel.api.Postmaster;
import org.pgkernel.kernel.api.ProcSignal;
import org.pgkernel.kernel.api.ProcessBody;
import org.pgkernel.kernel.api.ServerProcess;
import org.pgkernel.kernel.api.SqlState;
import org.pgkernel.kernel.internal.async.AsyncQueue;
import org.pgkernel.kernel.internal.proc.Proc;
import org.pgkernel.kernel.internal.proc.ProcArray;
import org.pgkernel.kernel.internal.shmem.ShmemSegments;
import org.pgkernel.kernel.spi.ClientListener;
import org.pgkernel.kernel.spi.ConfigReloadListener;
import org.pgkernel.kernel.spi.guc.GucRegistry;
import org.pgkernel.logging.ServerLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The postmaster: supervises every server process and never touches shared memory after
 * creating it (cf. postmaster.c). It reacts to three kinds of events, all funnelled into
 * its own latch: OS signals (reload, shutdown requests), child exits (reaped from a queue),
 * and services appearing (the client listener).
 *
 * <p>State machine (PmState): INIT → STARTUP (startup process; no storage yet, so it only
 * reads pg_control) → RUN. Smart shutdown: RUN → STOP_BACKENDS (new connections get 57P03)
 * → WAIT_BACKENDS (every client gone) → SHUTDOWN (shutdown checkpoint: pg_control says
 * "shut down") → NO_CHILDREN → exit. Fast shutdown sends SIGTERM to backends first (57P01).
 * Immediate shutdown sends SIGQUIT and skips the checkpoint, so the next start recovers.
 * A crashed child (a Throwable escaped its error recovery, or PANIC) makes the postmaster
 * SIGQUIT every other process, wait for them, re-create shared memory and start over at
 * STARTUP (restart_after_crash).
 */
public final class PostmasterMain implements Postmaster {
    private static final Logger LOG = LoggerFactory.getLogger(PostmasterMain.class);
    private static final int OTHER_SLOTS = 32;

    public enum Shutdown { NONE, SMART, FAST, IMMEDIATE }

    private record Exit(Proc proc, int code, Throwable cause) { }

    private final Path dataDir;
    private final String dataDirArg;
    private final GucRegistry settings;
    private final Supplier<ClientListener> listenerLookup;
    private final Supplier<List<ConfigReloadListener>> reloadListeners;
    private final Instant startTime = Instant.now();
    private final long pid = ProcessHandle.current().pid();
    private final Latch latch = new Latch();
    private final ConcurrentHashMap<Integer, Proc> children = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Exit> exits = new ConcurrentLinkedQueue<>();
    private final AtomicInteger nextPid;
    private final SecureRandom random = new SecureRandom();
    private final PidFile pidFile;
    private final ControlFile controlFile;
    private final ShmemSegments shmem;

    private volatile PmState state = PmState.INIT;
    private volatile Shutdown shutdown = Shutdown.NONE;
    private volatile boolean reloadPending;
    private volatile ProcArray procArray;
    private volatile AsyncQueue asyncQueue;
    private ClientListener listener;
    private boolean fatalError;
    private int exitCode;

    public PostmasterMain(Path dataDir, String dataDirArg, GucRegistry settings, Supplier<ClientListener> listenerLookup,
                          Supplier<List<ConfigReloadListener>> reloadListeners) {
        this.dataDir = dataDir;
        this.dataDirArg = dataDirArg;
        this.settings = settings;
        this.listenerLookup = listenerLookup;
        this.reloadListeners = reloadListeners;
        this.pidFile = new PidFile(dataDir);
        this.controlFile = new ControlFile(dataDir);
        this.shmem = new ShmemSegments(pid);
        // child pids: distinct from the postmaster's and from each other among live processes
        this.nextPid = new AtomicInteger((int) (pid % 1_000_000) + 1);
    }

    // ------------------------------------------------------------------ Postmaster service

    @Override public PmState state() { return state; }
    @Override public Path dataDirectory() { return dataDir; }
    @Override public Instant startTime() { return startTime; }
    @Override public GucRegistry settings() { return settings; }
    public ShmemSegments sharedMemory() { return shmem; }

    @Override
    public ServerProcess launch(BackendType type, String title, ProcessBody body) {
        if (type == BackendType.CLIENT_BACKEND) {
            PgException refuse = canAcceptConnections();
            if (refuse != null) throw refuse;
        }
        int childPid = allocatePid();
        int key = type == BackendType.CLIENT_BACKEND ? random.nextInt() : 0;
        Proc proc = new Proc(childPid, key, type, title);
        children.put(childPid, proc);
        Runnable run = () -> runProcess(proc, body);
        Thread t = type.isAuxiliary()
                ? Thread.ofPlatform().name(title).unstarted(run)
                : Thread.ofVirtual().name(title).unstarted(run);
        proc.attachThreadFromLauncher(t);
        t.start();
        return proc;
    }

    private int allocatePid() {
        for (;;) {
            int p = nextPid.getAndIncrement();
            if (p <= 1 || p >= 4_000_000) {
                nextPid.compareAndSet(p + 1, 2);
                continue;
            }
            if (p != pid && !children.containsKey(p)) return p;
        }
    }

    /** cf. canAcceptConnections(): the 57P03 answers while the server cannot take a session. */
    private PgException canAcceptConnections() {
        PmState s = state;
        if (s == PmState.RUN && shutdown == Shutdown.NONE && !fatalError) return null;
        String msg;
        if (shutdown != Shutdown.NONE || s.compareTo(PmState.STOP_BACKENDS) >= 0) {
            msg = "the database system is shutting down";
        } else if (fatalError) {
            msg = "the database system is in recovery mode";
        } else if (s == PmState.RECOVERY) {
            msg = "the database system is not yet accepting connections";
        } else {
            msg = "the database system is starting up";
        }
        return new PgException(ErrorSeverity.FATAL, SqlState.CANNOT_CONNECT_NOW, msg, null, null, 0, null, null);
    }

    private void runProcess(Proc proc, ProcessBody body) {
        proc.latch().own();
        ServerProcess.Processes.CURRENT.set(proc);
        ServerLog.bind(proc.logContext());
        int code = 0;
        Throwable cause = null;
        try {
            body.run(proc);
        } catch (PgException e) {
            if (e.severity() == ErrorSeverity.PANIC) {
                code = 2;
                cause = e;
            } else {
                code = 1;
            }
        } catch (Throwable t) {
            code = 2;
            cause = t;
        } finally {
            // cf. ProcKill() and Async_UnlistenOnExit(): however the process ends, it listens no more
            AsyncQueue aq = asyncQueue;
            if (aq != null && proc.slot() >= 0) {
                try {
                    aq.processExited(proc);
                } catch (RuntimeException ignored) {
                    // shared memory already gone (crash restart)
                }
            }
            ProcArray pa = procArray;
            if (pa != null && proc.slot() >= 0) {
                try {
                    pa.release(proc);
                } catch (RuntimeException ignored) {
                    // shared memory already gone (crash restart)
                }
            }
            exits.add(new Exit(proc, code, cause));
            latch.set();
            ServerLog.bind(null);
            ServerProcess.Processes.CURRENT.remove();
        }
    }

    @Override
    public BackendStatus initProcess(ServerProcess self, boolean superuser) {
        ProcArray pa = procArray;
        if (pa == null) {
            throw new PgException(ErrorSeverity.FATAL, SqlState.CANNOT_CONNECT_NOW, "the database system is starting up",
                    null, null, 0, null, null);
        }
        return pa.claim((Proc) self);
    }

    @Override
    public void cancelRequest(int targetPid, int key) {
        Proc p = children.get(targetPid);
        if (p == null || p.backendType() != BackendType.CLIENT_BACKEND) {
            LOG.debug("PID {} in cancel request did not match any process", targetPid);
            return;
        }
        if (p.cancelKey() != key) {
            LOG.debug("wrong key in cancel request for process {}", targetPid);
            return;
        }
        p.deliver(ProcSignal.SIGINT);
    }

    @Override
    public boolean signal(int targetPid, ProcSignal signal) {
        Proc p = children.get(targetPid);
        if (p == null) return false;
        p.deliver(signal);
        return true;
    }

    @Override public ServerProcess process(int targetPid) { return children.get(targetPid); }

    @Override
    public List<Activity> activity() {
        ProcArray pa = procArray;
        if (pa == null) return List.of();
        List<Activity> rows = pa.read();
        // wait events and titles live in the process objects too; the slots are authoritative
        return rows;
    }

    @Override
    public List<org.pgkernel.kernel.api.SslStatus> sslStatus() {
        ProcArray pa = procArray;
        return pa == null ? List.of() : pa.readSsl();
    }

    @Override
    public Notifications notifications() {
        AsyncQueue aq = asyncQueue;
        if (aq == null) {
            throw new PgException(ErrorSeverity.FATAL, SqlState.CANNOT_CONNECT_NOW, "the database system is starting up",
                    null, null, 0, null, null);
        }
        return aq;
    }

    /** How the notification queue signals a listener (cf. SendProcSignal(PROCSIG_NOTIFY_INTERRUPT)). */
    private void signalNotifyInterrupt(int targetPid) {
        Proc p = children.get(targetPid);
        if (p != null) p.deliver(ProcSignal.SIGUSR1);
    }

    /** Set by failStartup() before the server runs: awaitListener() gives up with it. */
    private volatile PgException startupFailure;

    @Override
    public void failStartup(PgException reason) {
        if (state.compareTo(PmState.RUN) < 0) {
            startupFailure = reason;
            latch.set();
        } else {
            LOG.warn("{}", reason.getMessage());
        }
    }

    @Override
    public void requestReload() {
        reloadPending = true;
        latch.set();
    }

    /** An OS signal or pg_ctl asked for a shutdown of this mode. */
    public void requestShutdown(Shutdown mode) {
        if (mode.ordinal() > shutdown.ordinal()) {
            shutdown = mode;
            latch.set();
        }
    }

    // ------------------------------------------------------------------ the postmaster's own loop

    /** Runs the postmaster until the server has shut down; returns the process exit code. */
    public int run() {
        latch.own();
        String port = settings.value("port");
        try {
            pidFile.create(pid, dataDirArg, startTime.getEpochSecond(), port);
        } catch (PgException e) {
            report(e);
            return 1;
        }
        LOG.info("starting {}", versionString()); // after the lock file, before the sockets
        try {
            createSharedMemory();
            listener = awaitListener();
            ClientListener.Opened opened = listener.open(settings, dataDir);
            String sockDir = opened.socketDirectory();
            if (!sockDir.isEmpty() && !Path.of(sockDir).isAbsolute()) sockDir = dataDir.resolve(sockDir).normalize().toString();
            pidFile.addListenInfo(sockDir, opened.listenAddress(), shmem.key());
            startup();
            serverLoop();
        } catch (PgException e) {
            report(e);
            exitCode = 1;
        } catch (Exception e) {
            LOG.error("postmaster failed", e);
            exitCode = 1;
        } finally {
            if (listener != null) {
                try {
                    listener.close();
                } catch (RuntimeException ignored) {
                    // closing is best effort at exit
                }
            }
            shmem.reset(false);
            pidFile.remove();
        }
        return exitCode;
    }

    private static void report(PgException e) {
        ServerLog.write(org.pgkernel.logging.Severity.valueOf(e.severity() == ErrorSeverity.PANIC ? "PANIC" : "FATAL"),
                e.getMessage(), null);
        if (e.detail() != null) ServerLog.writeExtra("DETAIL", e.detail());
        if (e.hint() != null) ServerLog.writeExtra("HINT", e.hint());
    }

    private ClientListener awaitListener() {
        long deadline = System.nanoTime() + 60_000_000_000L;
        for (;;) {
            PgException failed = startupFailure;
            if (failed != null) throw failed;
            ClientListener l = listenerLookup.get();
            if (l != null) return l;
            if (shutdown != Shutdown.NONE) throw PgException.fatal(SqlState.ADMIN_SHUTDOWN, "shutdown requested during startup");
            if (System.nanoTime() > deadline) {
                throw PgException.fatal(SqlState.SYSTEM_ERROR, "no client listener service appeared within 60 s (is the wire bundle installed and started?)");
            }
            latch.reset();
            latch.await(100);
        }
    }

    private void createSharedMemory() {
        int maxConnections = Integer.parseInt(settings.baseValue("max_connections"));
        int queryCap = Integer.parseInt(settings.baseValue("track_activity_query_size"));
        var seg = shmem.segment("ProcArray", ProcArray.sizeFor(maxConnections, OTHER_SLOTS, queryCap), "kernel");
        procArray = new ProcArray(seg, maxConnections, OTHER_SLOTS, queryCap);
        int slots = maxConnections + OTHER_SLOTS;
        var asyncSeg = shmem.segment("AsyncQueue", AsyncQueue.sizeFor(slots, AsyncQueue.PAGES), "kernel");
        asyncQueue = new AsyncQueue(asyncSeg, slots, AsyncQueue.PAGES, this::signalNotifyInterrupt);
    }

    /** The startup process's work for now: read pg_control and say what PostgreSQL says. */
    private void startup() throws IOException {
        state = PmState.STARTUP;
        ControlFile.State cs = controlFile.read();
        String when = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss zzz", Locale.ROOT)
                .format(cs.time().atZone(ServerLog.zone()));
        if (cs.state() == ControlFile.SHUTDOWNED) {
            LOG.info("database system was shut down at {}", when);
        } else {
            LOG.info("database system was interrupted; last known up at {}", when);
            LOG.info("database system was not properly shut down; automatic recovery in progress");
            state = PmState.RECOVERY;
            LOG.info("redo is not required");
        }
        controlFile.write(ControlFile.IN_PRODUCTION);
        state = PmState.RUN;
        fatalError = false;
        pidFile.setStatus(PidFile.READY);
        LOG.info("database system is ready to accept connections");
    }

    private void serverLoop() throws IOException {
        Shutdown handled = Shutdown.NONE;
        for (;;) {
            latch.reset();
            reapChildren();
            if (reloadPending) {
                reloadPending = false;
                reload();
            }
            Shutdown req = shutdown;
            if (req != handled) {
                handled = req;
                beginShutdown(req);
            }
            if (handled != Shutdown.NONE && children.isEmpty()) {
                finishShutdown(handled);
                return;
            }
            if (handled == Shutdown.SMART && state == PmState.STOP_BACKENDS && noClientBackends()) {
                state = PmState.WAIT_BACKENDS;
                signalAll(ProcSignal.SIGTERM, null);
            }
            latch.await(1000);
        }
    }

    private boolean noClientBackends() {
        for (Proc p : children.values()) if (p.backendType() == BackendType.CLIENT_BACKEND) return false;
        return true;
    }

    private void reload() {
        LOG.info("received SIGHUP, reloading configuration files");
        settings.reload();
        for (ConfigReloadListener l : reloadListeners.get()) {
            try {
                l.configurationReloaded();
            } catch (RuntimeException e) {
                LOG.warn("configuration reload listener failed: {}", e.toString());
            }
        }
        signalAll(ProcSignal.SIGHUP, null);
    }

    private void beginShutdown(Shutdown mode) {
        pidFile.setStatus(PidFile.STOPPING);
        switch (mode) {
            case SMART -> {
                LOG.info("received smart shutdown request");
                state = PmState.STOP_BACKENDS;
            }
            case FAST -> {
                LOG.info("received fast shutdown request");
                LOG.info("aborting any active transactions");
                state = PmState.WAIT_BACKENDS;
                signalAll(ProcSignal.SIGTERM, null);
            }
            case IMMEDIATE -> {
                LOG.info("received immediate shutdown request");
                state = PmState.WAIT_BACKENDS;
                signalAll(ProcSignal.SIGQUIT, "terminating connection due to immediate shutdown command");
            }
            case NONE -> { }
        }
    }

    private void finishShutdown(Shutdown mode) throws IOException {
        state = PmState.SHUTDOWN;
        if (mode != Shutdown.IMMEDIATE) {
            LOG.info("shutting down");
            controlFile.write(ControlFile.SHUTDOWNED);
        }
        state = PmState.NO_CHILDREN;
        LOG.info("database system is shut down");
    }

    private void signalAll(ProcSignal sig, String quitMessage) {
        for (Proc p : children.values()) {
            if (quitMessage != null) p.setTerminateMessage(ErrorSeverity.FATAL, SqlState.ADMIN_SHUTDOWN, quitMessage);
            p.deliver(sig);
        }
    }

    private void reapChildren() throws IOException {
        Exit e;
        while ((e = exits.poll()) != null) {
            children.remove(e.proc.pid());
            if (e.code <= 1) continue;
            handleChildCrash(e);
        }
    }

    /** cf. HandleChildCrash() and the PM_NO_CHILDREN reinitialisation in PostmasterStateMachine(). */
    private void handleChildCrash(Exit e) throws IOException {
        String what = e.proc.backendType() == BackendType.CLIENT_BACKEND ? "server process" : e.proc.backendType().displayName() + " process";
        Throwable c = e.cause;
        String desc = c instanceof PgException pe ? "PANIC: " + pe.getMessage() : c.toString();
        LOG.info("{} (PID {}) was terminated by exception {}", what, e.proc.pid(), desc);
        if (shutdown == Shutdown.IMMEDIATE) return;
        LOG.info("terminating any other active server processes");
        fatalError = true;
        state = PmState.WAIT_BACKENDS;
        pidFile.setStatus(PidFile.STARTING);
        for (Proc p : children.values()) {
            p.setTerminateMessage(ErrorSeverity.WARNING, SqlState.CRASH_SHUTDOWN,
                    "terminating connection because of crash of another server process");
            p.deliver(ProcSignal.SIGQUIT);
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!children.isEmpty() && System.nanoTime() < deadline) {
            latch.reset();
            Exit x;
            while ((x = exits.poll()) != null) children.remove(x.proc.pid());
            if (children.isEmpty()) break;
            latch.await(100);
        }
        for (Proc p : children.values()) {
            LOG.info("{} (PID {}) did not exit after SIGQUIT; abandoning it", p.backendType().displayName(), p.pid());
        }
        children.clear();
        if (shutdown != Shutdown.NONE) return;
        LOG.info("all server processes terminated; reinitializing");
        procArray = null;
        asyncQueue = null;
        shmem.reset(true);
        createSharedMemory();
        startup();
    }

    public Map<Integer, Proc> children() { return children; }
}
