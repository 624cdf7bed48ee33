package org.pgkernel.launcher;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** Where the distribution lives (the parent of lib/, which holds the launcher jar), and its versions. */
final class Distribution {
    static final String PG_VERSION = "15.18";
    static final String PG_MAJOR = "15";
    static final String PGKERNEL_VERSION = "0.1.0";

    private Distribution() { }

    static Path home() {
        String h = System.getProperty("pgkernel.home");
        if (h != null) return Path.of(h).toAbsolutePath().normalize();
        try {
            Path jar = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return jar.getParent().getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
