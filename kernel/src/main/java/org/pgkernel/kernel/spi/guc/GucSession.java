package org.pgkernel.kernel.spi.guc;

import java.util.List;
import java.util.Map;

/**
 * One session's settings: the server-wide values overlaid with what the session SET, with
 * PostgreSQL's transactional rules (a SET inside a transaction that rolls back is undone;
 * SET LOCAL lasts until the end of the transaction). Used by one process only; not
 * thread-safe.
 */
public interface GucSession {

    /** SHOW's text for the setting (e.g. "4MB", "ISO, MDY"); throws 42704 for an unknown one. */
    String show(String name);

    /** current_setting(name, missing_ok): null when missing and {@code missingOk}. */
    String currentSetting(String name, boolean missingOk);

    /**
     * SET / SET LOCAL / set_config(): validates and applies. Throws 42704 unknown, 22023
     * invalid value, 55P02 cannot be changed now, 42501 permission denied to set parameter.
     * Setting an unknown name with a dot (a placeholder, "myapp.x") is allowed as PostgreSQL allows it.
     */
    void set(String name, String value, boolean local);

    /** SET name TO DEFAULT / RESET name. */
    void reset(String name);

    /** RESET ALL. */
    void resetAll();

    boolean getBool(String name);

    /** An integer setting in its base unit (e.g. statement_timeout in ms, work_mem in kB). */
    long getInt(String name);

    double getReal(String name);

    String getString(String name);

    /** Call at transaction start, commit and abort: SET LOCAL and rolled-back SETs are undone here. */
    void beginTransaction();

    void commitTransaction();

    void abortTransaction();

    /**
     * A number that changes whenever any of the session's values may have changed (SET, RESET,
     * transaction end, reload); callers cache what they derive from settings against it.
     */
    long changeCount();

    /** Names and values of GUC_REPORT settings that changed since the last call (ParameterStatus to send). */
    List<Map.Entry<String, String>> takeReportChanges();

    /** The current values of every GUC_REPORT setting, in name order (sent at startup). */
    List<Map.Entry<String, String>> reportedValues();

    /** Adopts server-wide values changed by a reload for settings the session did not set. */
    void reloadFromServer();

    /** pg_settings as this session sees it, ordered by name. */
    List<SettingRow> pgSettings();
}
