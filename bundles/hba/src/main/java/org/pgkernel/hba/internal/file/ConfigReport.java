package org.pgkernel.hba.internal.file;

/**
 * Where configuration-file complaints go, standing for ereport(elevel, …) in hba.c: when
 * loading the files they are LOG lines; when filling pg_hba_file_rules they are DEBUG3
 * (effectively silent), since the error column carries them.
 */
@FunctionalInterface
public interface ConfigReport {

    /** Nothing reported, as with elevel DEBUG3. */
    ConfigReport QUIET = (message, hint, context) -> { };

    /**
     * @param message primary message, worded as PostgreSQL words it
     * @param hint    HINT line or null
     * @param context CONTEXT line (usually {@link #lineContext}) or null
     */
    void report(String message, String hint, String context);

    /** {@code line 3 of configuration file "/data/pg_hba.conf"}. */
    static String lineContext(int line, String fileName) {
        return "line " + line + " of configuration file \"" + fileName + "\"";
    }
}
