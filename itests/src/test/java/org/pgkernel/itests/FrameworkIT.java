package org.pgkernel.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.wiring.BundleWiring;
import org.pgkernel.logging.ServerLog;

/**
 * The server inside a framework this test embeds: Felix booted in the test's JVM as the
 * launcher boots it (distribution/…/PostgresCommand.boot(): the same framework properties,
 * system packages and bundles, the kernel started last), against a data directory made by
 * bin/initdb. Checks that every bundle of the assembled distribution resolves and starts,
 * that the walking skeleton's DS components are active, that pgjdbc gets an answer from
 * the server running in this JVM, that the postmaster survives a crashing process by a
 * crash restart, that a fast shutdown stops the server and then the framework cleanly, and
 * that the kernel is a good guest in an embedding JVM: it gives the JVM's signal handlers
 * back, and stopping the framework from outside does not end the JVM.
 *
 * <p>The tests run in order on one framework: each builds on the state the one before left.
 * The crash test launches its crashing process through the kernel's own {@code Postmaster}
 * service (by reflection: the bundle's classes are not the class path's), which is how a
 * bundle starts a process; there is no SQL-level way to crash a backend (see CrashRestartIT).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FrameworkIT {
    private static final String KERNEL = EmbeddedFramework.KERNEL;
    private static final Duration READY = Duration.ofSeconds(60);

    /** The bundles the walking skeleton cannot run without. */
    private static final List<String> REQUIRED_BUNDLES = List.of(KERNEL, "org.pgkernel.wire", "org.pgkernel.backend",
            "org.pgkernel.sql", "org.pgkernel.hba", "org.apache.felix.scr");

    /** The walking skeleton's DS components, each with a service it provides. */
    private static final Map<String, String> COMPONENTS = Map.of(
            "org.pgkernel.wire.internal.server.WireListener", "org.pgkernel.kernel.spi.ClientListener",
            "org.pgkernel.backend.internal.BackendLauncher", "org.pgkernel.wire.api.ConnectionHandler",
            "org.pgkernel.sql.internal.SqlEngineService", "org.pgkernel.sql.api.SqlEngine",
            "org.pgkernel.hba.internal.HbaComponent", "org.pgkernel.hba.api.HbaService");

    /** ComponentConfigurationDTO states (DS 1.4 §112.12). */
    private static final int UNSATISFIED_CONFIGURATION = 1, UNSATISFIED_REFERENCE = 2, SATISFIED = 4, ACTIVE = 8,
            FAILED_ACTIVATION = 16;

    private Server srv;
    private LogCapture log;
    private EmbeddedFramework embedded;
    private Framework framework;
    private List<Bundle> installed = List.of();

    /** The JVM's handlers of the signals the kernel takes over, as they were before the framework booted. */
    private final Map<String, sun.misc.SignalHandler> jvmSignalHandlers = new LinkedHashMap<>();

    @BeforeAll
    void boot() throws Exception {
        for (String sig : SIGNALS) jvmSignalHandlers.put(sig, signalHandler(sig));
        srv = Server.create(); // bin/initdb, port, 127.0.0.1, no Unix socket, trust
        log = new LogCapture(srv.dir.resolve("server.log"));
        ServerLog.redirect(log);
        embedded = EmbeddedFramework.boot(srv.data);
        framework = embedded.framework;
        installed = embedded.installed;
    }

    @AfterAll
    void shutdown() throws Exception {
        try {
            if (embedded != null && embedded.isRunning()) {
                try {
                    stopAsPgCtlDoes();
                } catch (AssertionError e) {
                    framework.stop();
                    framework.waitForStop(60_000);
                }
            }
        } finally {
            // whatever the kernel left, this JVM gets its own handlers back
            jvmSignalHandlers.forEach((sig, h) -> sun.misc.Signal.handle(new sun.misc.Signal(sig), h));
            ServerLog.redirect(new FileOutputStream(FileDescriptor.err));
            if (log != null) log.close();
            // not srv.close(): pg_ctl would signal the pid in postmaster.pid, which is this JVM
            if (srv != null) Server.deleteTree(srv.data.resolve("pg_bundles"));
        }
    }

    @Test
    @Order(1)
    void every_bundle_of_the_distribution_resolves_and_starts() {
        List<String> problems = new ArrayList<>();
        embedded.startFailures.forEach((bsn, why) -> problems.add(bsn + ": " + why));
        for (Bundle b : installed) {
            boolean notStarted = EmbeddedFramework.isFragment(b) || EmbeddedFramework.GOGO_SHELL.equals(b.getSymbolicName());
            int expected = notStarted ? Bundle.RESOLVED : Bundle.ACTIVE;
            if (b.getState() != expected && !embedded.startFailures.containsKey(b.getSymbolicName())) {
                problems.add(b.getSymbolicName() + " is " + stateName(b.getState()) + ", expected " + stateName(expected));
            }
        }
        embedded.frameworkErrors.forEach(e -> problems.add("framework error from " + e));
        assertTrue(problems.isEmpty(), "bundles that failed:\n" + String.join("\n", problems));
        List<String> names = installed.stream().map(Bundle::getSymbolicName).toList();
        assertTrue(names.containsAll(REQUIRED_BUNDLES), "installed " + names + ", required " + REQUIRED_BUNDLES);
    }

    @Test
    @Order(2)
    void pgjdbc_gets_an_answer_from_the_server_in_this_framework() throws Exception {
        try (Connection c = awaitConnection(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT 1")) {
                assertTrue(rs.next());
                assertEquals(1, rs.getInt(1));
            }
            try (ResultSet rs = s.executeQuery("SELECT version()")) {
                assertTrue(rs.next());
                assertTrue(rs.getString(1).startsWith("PostgreSQL 15.") && rs.getString(1).contains("pgkernel"), rs.getString(1));
            }
        }
        assertTrue(log.text().contains("LOG:  database system is ready to accept connections"), log.text());
    }

    @Test
    @Order(3)
    void the_walking_skeletons_components_are_active_and_provide_their_services() throws Exception {
        awaitConnection().close(); // every component a session needs has been activated by now
        BundleContext ctx = framework.getBundleContext();
        ServiceReference<?> ref = ctx.getServiceReference("org.osgi.service.component.runtime.ServiceComponentRuntime");
        assertNotNull(ref, "no ServiceComponentRuntime: is org.apache.felix.scr active?");
        Object scr = ctx.getService(ref);
        try {
            ClassLoader scrLoader = ref.getBundle().adapt(BundleWiring.class).getClassLoader();
            Class<?> api = scrLoader.loadClass("org.osgi.service.component.runtime.ServiceComponentRuntime");
            Class<?> descType = scrLoader.loadClass("org.osgi.service.component.runtime.dto.ComponentDescriptionDTO");
            Method descriptions = api.getMethod("getComponentDescriptionDTOs", Bundle[].class);
            Method configurations = api.getMethod("getComponentConfigurationDTOs", descType);

            Map<String, List<Integer>> states = new LinkedHashMap<>();
            List<String> problems = new ArrayList<>();
            for (Object d : (Collection<?>) descriptions.invoke(scr, (Object) new Bundle[0])) {
                String name = (String) field(d, "name");
                String bsn = (String) field(field(d, "bundle"), "symbolicName");
                List<Integer> s = new ArrayList<>();
                for (Object conf : (Collection<?>) configurations.invoke(scr, d)) {
                    int state = (Integer) field(conf, "state");
                    s.add(state);
                    if (state != ACTIVE && state != SATISFIED) {
                        problems.add(bsn + " component " + name + " is " + componentState(state) + unsatisfied(conf));
                    }
                }
                if (s.isEmpty()) problems.add(bsn + " component " + name + " has no configuration (disabled?)");
                states.put(name, s);
            }
            for (String component : COMPONENTS.keySet()) {
                List<Integer> s = states.get(component);
                if (s == null) problems.add("component " + component + " is not declared by any bundle");
                else if (!s.contains(ACTIVE)) problems.add("component " + component + " is not active: " + s.stream().map(FrameworkIT::componentState).toList());
            }
            assertTrue(problems.isEmpty(), "DS components:\n" + String.join("\n", problems) + "\nall: " + states);
        } finally {
            ctx.ungetService(ref);
        }
        List<String> services = new ArrayList<>(COMPONENTS.values());
        services.add("org.pgkernel.kernel.api.Postmaster");
        for (String service : services) {
            assertNotNull(ctx.getServiceReference(service), "no service " + service + " is registered");
        }
    }

    @Test
    @Order(4)
    void a_process_dying_of_an_uncaught_throwable_makes_the_postmaster_restart_the_server() throws Exception {
        BundleContext ctx = framework.getBundleContext();
        Bundle kernel = embedded.bundle(KERNEL);
        ClassLoader kl = kernel.adapt(BundleWiring.class).getClassLoader();
        Class<?> postmasterApi = kl.loadClass("org.pgkernel.kernel.api.Postmaster");
        Class<?> backendType = kl.loadClass("org.pgkernel.kernel.api.BackendType");
        Class<?> processBody = kl.loadClass("org.pgkernel.kernel.api.ProcessBody");
        Class<?> serverProcess = kl.loadClass("org.pgkernel.kernel.api.ServerProcess");
        ServiceReference<?> ref = ctx.getServiceReference(postmasterApi.getName());
        assertNotNull(ref, "no Postmaster service");
        Object postmaster = ctx.getService(ref);

        CountDownLatch crashNow = new CountDownLatch(1);
        Object body = Proxy.newProxyInstance(kl, new Class<?>[] {processBody}, (proxy, m, args) -> {
            if (m.getName().equals("run")) {
                crashNow.await();
                throw new Error("simulated crash of a server process (FrameworkIT)");
            }
            if (m.getName().equals("hashCode")) return System.identityHashCode(proxy);
            if (m.getName().equals("equals")) return proxy == args[0];
            return "FrameworkIT crashing process body";
        });
        @SuppressWarnings({"unchecked", "rawtypes"})
        Object worker = Enum.valueOf((Class) backendType, "BACKGROUND_WORKER");
        Object proc = postmasterApi.getMethod("launch", backendType, String.class, processBody)
                .invoke(postmaster, worker, "crash test worker", body);
        int crashPid = (Integer) serverProcess.getMethod("pid").invoke(proc);
        ctx.ungetService(ref);

        try (Connection victim = awaitConnection(); Connection watcher = awaitConnection()) {
            Future<Void> sleep = Sessions.executeInBackground(victim, "SELECT pg_sleep(30)");
            Sessions.awaitActive(watcher, Sessions.pid(victim), sleep);
            int before = log.text().length();
            crashNow.countDown();
            // the busy session is dropped: PostgreSQL sends WARNING 57P02 and closes, which
            // pgjdbc reports as the I/O error of a lost connection (08006)
            SQLException e = Sessions.failure(sleep, Duration.ofSeconds(15));
            assertTrue("57P02".equals(e.getSQLState()) || e.getSQLState().startsWith("08"),
                    e.getSQLState() + " " + e.getMessage());
            Connection again = awaitConnection();
            try (again; Statement s = again.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
                assertTrue(rs.next());
                assertEquals(1, rs.getInt(1));
            }
            String after = log.text().substring(before);
            assertInOrder(after,
                    "(PID " + crashPid + ") was terminated by",
                    "LOG:  terminating any other active server processes",
                    "LOG:  all server processes terminated; reinitializing",
                    "LOG:  database system was not properly shut down; automatic recovery in progress",
                    "LOG:  database system is ready to accept connections");
        }
    }

    @Test
    @Order(5)
    void a_fast_shutdown_request_stops_the_server_and_then_the_framework() throws Exception {
        stopAsPgCtlDoes();
        assertEquals(Bundle.RESOLVED, framework.getState());
        assertFalse(Files.exists(srv.data.resolve("postmaster.pid")), "postmaster.pid is removed");
        String text = log.text();
        assertTrue(text.contains("LOG:  received fast shutdown request"), text);
        assertTrue(text.contains("LOG:  database system is shut down"), text);
        SQLException refused = assertThrows(SQLException.class, srv::connect);
        assertTrue(refused.getSQLState().startsWith("08"), refused.getSQLState() + " " + refused.getMessage());
    }

    /**
     * pg_ctl stop -m fast: SIGINT to the postmaster's process, this JVM. The postmaster shuts
     * down and its end stops the framework (the launcher's path). Raised only if the kernel
     * has taken SIGINT over, else it would end this JVM.
     */
    private void stopAsPgCtlDoes() throws InterruptedException {
        sun.misc.SignalHandler current = signalHandler("INT");
        if (current == jvmSignalHandlers.get("INT")) {
            throw new AssertionError("the kernel did not install a SIGINT handler: cannot request a fast shutdown");
        }
        sun.misc.Signal.raise(new sun.misc.Signal("INT"));
        FrameworkEvent ev = framework.waitForStop(60_000);
        assertEquals(FrameworkEvent.STOPPED, ev.getType(), "framework stop ended with event type " + ev.getType());
    }

    /**
     * An embedded kernel must leave the embedding JVM as it found it: the OS signal handlers
     * it installs for the postmaster (SIGTERM smart, SIGINT fast, SIGHUP reload) go when it
     * stops. Otherwise the JVM no longer ends on SIGTERM or Ctrl-C: the signals go to a
     * postmaster that is gone.
     */
    @Test
    @Order(6)
    void the_stopped_kernel_gives_the_jvm_its_signal_handlers_back() {
        List<String> kept = new ArrayList<>();
        for (String sig : SIGNALS) {
            sun.misc.SignalHandler now = signalHandler(sig);
            // sun.misc.Signal wraps the JVM's own handlers anew on every swap: compare what they wrap
            if (!String.valueOf(now).equals(String.valueOf(jvmSignalHandlers.get(sig)))) {
                kept.add("SIG" + sig + " is still handled by " + now + ", not " + jvmSignalHandlers.get(sig));
            }
        }
        assertTrue(kept.isEmpty(), String.join("\n", kept));
    }

    /**
     * An embedder stops the server with {@link Framework#stop()}. That must never end the
     * embedding JVM. Checked in a JVM of its own, which boots and stops the server six
     * times (EmbeddedFramework.main): the kernel's activator stops the system bundle on a
     * thread of its own when the postmaster ends, and halts the JVM if that fails, which it
     * does when the framework is already stopping and the kernel's context is gone.
     */
    @Test
    @Order(7)
    void stopping_the_framework_from_outside_never_ends_the_jvm() throws Exception {
        Server other = Server.create();
        try {
            String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            List<String> cmd = List.of(java.toString(),
                    "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                    "-Dpgkernel.dist=" + Server.DIST, "-cp", classPath, EmbeddedFramework.class.getName(),
                    other.data.toString(), "6");
            Command.Result r = Command.run(Duration.ofSeconds(120), cmd);
            Files.writeString(other.dir.resolve("embedded-jvm.txt"), cmd + "\n" + r);
            assertEquals(EmbeddedFramework.SURVIVED, r.code(),
                    "the JVM ended during or after Framework.stop() (exit code " + r.code() + ")\n" + r + "\n" + cmd);
        } finally {
            Server.deleteTree(other.data.resolve("pg_bundles"));
        }
    }

    // ------------------------------------------------------------------ helpers

    private static final List<String> SIGNALS = List.of("TERM", "INT", "HUP");

    /** The current handler of a signal (sun.misc.Signal can only swap: swap and swap back). */
    private static sun.misc.SignalHandler signalHandler(String name) {
        sun.misc.Signal sig = new sun.misc.Signal(name);
        sun.misc.SignalHandler h = sun.misc.Signal.handle(sig, sun.misc.SignalHandler.SIG_DFL);
        sun.misc.Signal.handle(sig, h);
        return h;
    }

    private Connection awaitConnection() throws InterruptedException {
        return Await.value("the server in the framework to accept a pgjdbc connection", READY,
                () -> Optional.of(srv.connect()));
    }

    private static void assertInOrder(String text, String... parts) {
        int at = 0;
        for (String p : parts) {
            int i = text.indexOf(p, at);
            assertTrue(i >= 0, "\"" + p + "\" is missing (after offset " + at + ") in the log:\n" + text);
            at = i + p.length();
        }
    }

    private static Object field(Object o, String name) throws ReflectiveOperationException {
        return o.getClass().getField(name).get(o);
    }

    private static String unsatisfied(Object conf) throws ReflectiveOperationException {
        StringBuilder sb = new StringBuilder();
        Object refs = field(conf, "unsatisfiedReferences");
        for (int i = 0; refs != null && i < Array.getLength(refs); i++) {
            Object r = Array.get(refs, i);
            sb.append("; unsatisfied reference ").append(field(r, "name")).append(" (target ").append(field(r, "target")).append(')');
        }
        try {
            Object failure = field(conf, "failure");
            if (failure != null) sb.append("; failure: ").append(failure);
        } catch (NoSuchFieldException before14) {
            // DS before 1.4 has no failure field
        }
        return sb.toString();
    }

    private static String componentState(int s) {
        return switch (s) {
            case UNSATISFIED_CONFIGURATION -> "UNSATISFIED_CONFIGURATION";
            case UNSATISFIED_REFERENCE -> "UNSATISFIED_REFERENCE";
            case SATISFIED -> "SATISFIED";
            case ACTIVE -> "ACTIVE";
            case FAILED_ACTIVATION -> "FAILED_ACTIVATION";
            default -> "state " + s;
        };
    }

    private static String stateName(int s) {
        return switch (s) {
            case Bundle.INSTALLED -> "INSTALLED (not resolved)";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.ACTIVE -> "ACTIVE";
            case Bundle.UNINSTALLED -> "UNINSTALLED";
            default -> "state " + s;
        };
    }

    /** The server log of the embedded server: kept in memory for the assertions and written to server.log. */
    static final class LogCapture extends OutputStream {
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private final OutputStream file;

        LogCapture(Path path) throws IOException { this.file = Files.newOutputStream(path); }

        @Override
        public synchronized void write(int b) throws IOException {
            buffer.write(b);
            file.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            buffer.write(b, off, len);
            file.write(b, off, len);
        }

        @Override public synchronized void flush() throws IOException { file.flush(); }

        @Override public synchronized void close() throws IOException { file.close(); }

        synchronized String text() { return buffer.toString(StandardCharsets.UTF_8); }
    }
}
