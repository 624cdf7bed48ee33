package org.pgkernel.itests;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * The server in a Felix framework embedded in this JVM, booted as the launcher boots it
 * (distribution/…/PostgresCommand.boot(): the same framework properties and system packages,
 * every jar of the distribution's bundles/ installed, the kernel started last) against an
 * initdb'd data directory. What did not resolve or start is recorded, not thrown, so that a
 * test can name every failing bundle.
 *
 * <p>Also a program ({@link #main}), for FrameworkIT's check that stopping the framework from
 * outside never ends the JVM: that check needs a JVM it can afford to lose.
 */
final class EmbeddedFramework {
    static final String KERNEL = "org.pgkernel.kernel";
    /**
     * Installed and resolved but not started, as the launcher does without a console: it
     * prints its banner on stdout (`pgkernel` starts it, with the console).
     */
    static final String GOGO_SHELL = "org.apache.felix.gogo.shell";

    final Framework framework;
    final List<Bundle> installed = new ArrayList<>();
    /** Symbolic name → why it did not start (for one that does not resolve, Felix names the missing requirement). */
    final Map<String, String> startFailures = new LinkedHashMap<>();
    /** FrameworkEvent.ERRORs: exceptions thrown by bundles' activators and listeners. */
    final List<String> frameworkErrors = new CopyOnWriteArrayList<>();

    private EmbeddedFramework(Framework framework) { this.framework = framework; }

    static EmbeddedFramework boot(Path dataDir) throws BundleException, java.io.IOException {
        Path dist = Server.DIST;
        Map<String, String> fw = new HashMap<>();
        fw.put(Constants.FRAMEWORK_STORAGE, dataDir.resolve("pg_bundles").toString());
        fw.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        fw.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, String.join(",",
                "org.slf4j;version=2.0.17", "org.slf4j.spi;version=2.0.17", "org.slf4j.event;version=2.0.17",
                "org.slf4j.helpers;version=2.0.17", "org.pgkernel.logging;version=0.1.0", "sun.misc"));
        fw.put("felix.log.level", "1");
        fw.put("pgkernel.datadir", dataDir.toString());
        fw.put("pgkernel.datadir.arg", dataDir.toString());
        fw.put("pgkernel.options", "");
        fw.put("pgkernel.mode", "server");
        fw.put("pgkernel.home", dist.toString());
        fw.put("felix.fileinstall.dir", dist.resolve("deploy").toString());
        fw.put("felix.fileinstall.poll", "1000");
        fw.put("felix.fileinstall.noInitialDelay", "true");
        fw.put("felix.fileinstall.log.level", "1");
        fw.put("felix.fileinstall.filter", ".*\\.jar");
        fw.put("gogo.args", "--nointeractive --noshutdown");

        EmbeddedFramework e = new EmbeddedFramework(ServiceLoader.load(FrameworkFactory.class).findFirst()
                .orElseThrow(() -> new AssertionError("no OSGi framework factory on the class path"))
                .newFramework(fw));
        e.framework.init();
        BundleContext ctx = e.framework.getBundleContext();
        ctx.addFrameworkListener(ev -> {
            if (ev.getType() == FrameworkEvent.ERROR) {
                e.frameworkErrors.add(ev.getBundle().getSymbolicName() + ": " + describe(ev.getThrowable()));
            }
        });
        e.framework.start();

        List<Path> jars;
        try (Stream<Path> s = Files.list(dist.resolve("bundles"))) {
            jars = s.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
        }
        for (Path jar : jars) e.installed.add(ctx.installBundle(jar.toUri().toString()));
        // the kernel last, as the launcher does: every service it waits for is then on its way
        e.installed.sort((a, b) -> Boolean.compare(KERNEL.equals(a.getSymbolicName()), KERNEL.equals(b.getSymbolicName())));
        e.framework.adapt(FrameworkWiring.class).resolveBundles(e.installed);
        for (Bundle b : e.installed) {
            if (isFragment(b) || GOGO_SHELL.equals(b.getSymbolicName())) continue;
            try {
                b.start();
            } catch (BundleException | RuntimeException ex) {
                e.startFailures.put(b.getSymbolicName(), "did not start: " + describe(ex));
            }
        }
        return e;
    }

    Bundle bundle(String symbolicName) {
        return installed.stream().filter(b -> symbolicName.equals(b.getSymbolicName())).findFirst()
                .orElseThrow(() -> new AssertionError("no bundle " + symbolicName + " installed"));
    }

    boolean isRunning() {
        return (framework.getState() & (Bundle.STARTING | Bundle.ACTIVE | Bundle.STOPPING)) != 0;
    }

    static boolean isFragment(Bundle b) { return b.getHeaders().get(Constants.FRAGMENT_HOST) != null; }

    static String describe(Throwable t) {
        StringBuilder sb = new StringBuilder(String.valueOf(t));
        for (Throwable c = t == null ? null : t.getCause(); c != null; c = c.getCause()) sb.append("\n  caused by ").append(c);
        return sb.toString();
    }

    /** Line 8 of postmaster.pid, the postmaster's status ("ready" once it accepts connections). */
    static boolean postmasterReady(Path dataDir) throws java.io.IOException {
        Path pid = dataDir.resolve("postmaster.pid");
        if (!Files.exists(pid)) return false;
        List<String> lines = Files.readAllLines(pid, StandardCharsets.UTF_8);
        return lines.size() >= 8 && lines.get(7).trim().equals("ready");
    }

    /** Exit status of {@link #main} when the JVM survived every cycle. */
    static final int SURVIVED = 3;

    /**
     * {@code EmbeddedFramework DATADIR CYCLES}: boots the server in an embedded framework,
     * waits until it is ready, stops the framework from outside ({@link Framework#stop()}, as
     * any embedder does) and waits for every thread the kernel started for its own shutdown;
     * CYCLES times. Exits with {@value #SURVIVED} if the JVM is still alive then (a JVM that
     * something halted exits otherwise), 1 on a failure it could see.
     */
    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        System.out.println("embedded framework: " + args.length + " arguments, data directory " + dataDir);
        int cycles = Integer.parseInt(args[1]);
        for (int i = 1; i <= cycles; i++) {
            EmbeddedFramework e = boot(dataDir);
            if (!e.startFailures.isEmpty()) {
                System.out.println("bundles did not start: " + e.startFailures);
                System.exit(1);
            }
            Await.until("the postmaster to be ready", Duration.ofSeconds(60), () -> postmasterReady(dataDir));
            e.framework.stop();
            FrameworkEvent ev = e.framework.waitForStop(60_000);
            if (ev.getType() != FrameworkEvent.STOPPED) {
                System.out.println("cycle " + i + ": the framework did not stop: event type " + ev.getType());
                System.exit(1);
            }
            // the kernel stops the system bundle on a thread of its own when the postmaster ends
            Await.until("the kernel's framework-stop thread to end", Duration.ofSeconds(30), () ->
                    Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals("framework-stop")));
            System.out.println("cycle " + i + ": stopped, JVM alive");
        }
        System.exit(SURVIVED);
    }
}
