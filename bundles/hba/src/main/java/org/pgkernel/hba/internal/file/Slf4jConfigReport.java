package org.pgkernel.hba.internal.file;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports configuration errors as LOG entries (SLF4J info). The HINT and CONTEXT lines follow
 * the message inside the same entry, each on its own line ("HINT:  …", "CONTEXT:  …"), so the
 * server log reads as PostgreSQL's does.
 */
public final class Slf4jConfigReport implements ConfigReport {
    private static final Logger LOG = LoggerFactory.getLogger(Slf4jConfigReport.class);

    public static final Slf4jConfigReport INSTANCE = new Slf4jConfigReport();

    private Slf4jConfigReport() {
    }

    @Override
    public void report(String message, String hint, String context) {
        LOG.info("{}", format(message, hint, context));
    }

    /** The entry's text: message, then the HINT and CONTEXT lines if any. */
    public static String format(String message, String hint, String context) {
        StringBuilder sb = new StringBuilder(message);
        if (hint != null) {
            sb.append("\nHINT:  ").append(hint);
        }
        if (context != null) {
            sb.append("\nCONTEXT:  ").append(context);
        }
        return sb.toString();
    }
}
