package org.pgkernel.kernel.internal;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.ServiceRegistration;
import org.osgi.util.tracker.ServiceTracker;
import org.pgkernel.kernel.api.PgException;
import org.pgkernel.kernel.api.Postmaster;
import org.pgkernel.kernel.internal.guc.ServerSettings;
import org.pgkernel.kernel.internal.postmaster.PostmasterMain;
import org.pgkernel.kernel.spi.ClientListener;
import org.pgkernel.kernel.spi.ConfigReloadListener;
import org.pgkernel.logging.ServerLog;
import org.pgkernel.logging.Severity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * The kernel bundle's activator: the postmaster's entry point inside the framework. The
 * launcher passes the server's command line through framework properties:
 * {@code pgkernel.datadir} (absolute), {@code pgkernel.datadir.arg} (as given to -D),
 * {@code pgkernel.options} (name=value pairs separated by U+0001, from -c, -p, -k …) and
 * {@code pgkernel.mode} ("server", or "show:NAME" for {@code postgres -C NAME}).
 *
 * <p>When the postmaster ends, the activator records the exit code in the system property
 * {@code pgkernel.exitcode} and stops the framework; the launcher then exits with it.
 */
@org.osgi.annotation.bundle.Header(name = org.osgi.framework.Constants.BUNDLE_ACTIVATOR, value = "${@class}")
public final class KernelActivator implements BundleActivator {
    private static final Logger LOG = LoggerFactory.getLogger(KernelActivator.class);

    private ServiceTracker<ClientListener, ClientListener> listeners;
    private ServiceTracker<ConfigReloadListener, ConfigReloadListener> reloadListeners;
    private ServiceRegistration<Postmaster> registration;
    private volatile PostmasterMain postmaster;
    private Thread thread;
    /** The framework is stopping this bundle: the postmaster's end must not stop the framework again. */
    private volatile boolean stopping;
    /** The JVM's handlers from before ours, given back in stop(). */
    private final Map<String, sun.misc.SignalHandler> previousHandlers = new LinkedHashMap<>();

    @Override
    public void start(BundleContext context) {
        String dataDirProp = context.getProperty("pgkernel.datadir");
        if (dataDirProp == null) {
            LOG.info("pgkernel.datadir is not set; the kernel stays idle");
            return;
        }
        Path dataDir = Path.of(dataDirProp);
        String dataDirArg = orElse(context.getProperty("pgkernel.datadir.arg"), dataDirProp);
        Map<String, String> options = parseOptions(context.getProperty("pgkernel.options"));
        String mode = orElse(context.getProperty("pgkernel.mode"), "server");

        ServerSettings settings;
        try {
            settings = new ServerSettings(dataDir, options);
        } catch (PgException e) {
            ServerLog.write(Severity.FATAL, e.getMessage(), null);
            if (e.detail() != null) ServerLog.writeExtra("DETAIL", e.detail());
            if (e.hint() != null) ServerLog.writeExtra("HINT", e.hint());
            exit(context, 1);
            return;
        }
        if (mode.startsWith("show:")) {
            String name = mode.substring(5);
            int code = 0;
            try {
                PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
                out.println(settings.configOption(name));
            } catch (PgException e) {
                ServerLog.write(Severity.FATAL, e.getMessage(), null);
                code = 1;
            }
            exit(context, code);
            return;
        }

        listeners = new ServiceTracker<>(context, ClientListener.class, null);
        listeners.open();
        reloadListeners = new ServiceTracker<>(context, ConfigReloadListener.class, null);
        reloadListeners.open();
        PostmasterMain pm = new PostmasterMain(dataDir, dataDirArg, settings, listeners::getService, () -> {
            List<ConfigReloadListener> l = new ArrayList<>();
            for (Object o : reloadListeners.getServices() == null ? new Object[0] : reloadListeners.getServices()) {
                l.add((ConfigReloadListener) o);
            }
            return l;
        });
        postmaster = pm;
        installSignalHandlers(pm, dataDir);
        registration = context.registerService(Postmaster.class, pm, null);
        thread = Thread.ofPlatform().name("postmaster").start(() -> {
            ServerLog.bind(null);
            int code = pm.run();
            if (!stopping) exit(context, code);
        });
    }

    private void installSignalHandlers(PostmasterMain pm, Path dataDir) {
        handle("TERM", s -> pm.requestShutdown(PostmasterMain.Shutdown.SMART));
        handle("INT", s -> {
            // pg_ctl -m immediate leaves a request file before SIGINT: the JVM reserves SIGQUIT
            Path req = dataDir.resolve("postmaster.shutdown");
            PostmasterMain.Shutdown mode = PostmasterMain.Shutdown.FAST;
            try {
                if (Files.exists(req) && Files.readString(req).trim().equals("immediate")) {
                    mode = PostmasterMain.Shutdown.IMMEDIATE;
                }
                Files.deleteIfExists(req);
            } catch (java.io.IOException ignored) {
                // fall back to a fast shutdown
            }
            pm.requestShutdown(mode);
        });
        handle("HUP", s -> pm.requestReload());
    }

    private void handle(String name, sun.misc.SignalHandler h) {
        previousHandlers.put(name, Signal.handle(new Signal(name), h));
    }

    private void restoreSignalHandlers() {
        previousHandlers.forEach((name, h) -> {
            try {
                Signal.handle(new Signal(name), h);
            } catch (IllegalArgumentException ignored) {
                // the JVM no longer lets us have it; nothing to give back
            }
        });
        previousHandlers.clear();
    }

    /**
     * The server ended on its own (shutdown request, fatal start-up error, postgres -C): stop
     * the framework so the launcher exits with the code. Only when the framework cannot be
     * stopped at all is the JVM halted; a framework that is already stopping is left alone.
     */
    private static void exit(BundleContext context, int code) {
        System.setProperty("pgkernel.exitcode", Integer.toString(code));
        Thread.ofPlatform().name("framework-stop").start(() -> {
            try {
                context.getBundle(0).stop();
            } catch (IllegalStateException e) {
                // our context is no longer valid: the framework is already on its way down
            } catch (BundleException e) {
                Runtime.getRuntime().halt(code);
            }
        });
    }

    @Override
    public void stop(BundleContext context) throws InterruptedException {
        stopping = true;
        restoreSignalHandlers();
        PostmasterMain pm = postmaster;
        if (pm != null && thread != null && thread.isAlive()) {
            pm.requestShutdown(PostmasterMain.Shutdown.FAST);
            thread.join(30_000);
        }
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException ignored) {
                // already gone with the framework
            }
        }
        if (listeners != null) listeners.close();
        if (reloadListeners != null) reloadListeners.close();
    }

    static Map<String, String> parseOptions(String s) {
        Map<String, String> m = new LinkedHashMap<>();
        if (s == null || s.isEmpty()) return m;
        for (String kv : s.split("\u0001")) {
            int eq = kv.indexOf('=');
            if (eq > 0) m.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return m;
    }

    private static String orElse(String v, String d) { return v == null ? d : v; }
}
