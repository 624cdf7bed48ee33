package org.pgkernel.sql.api;

/** The SQL engine, registered as an OSGi service by the sql bundle. Thread-safe. */
public interface SqlEngine {
    /** A new session for one backend; used by that backend's thread only. */
    SqlSession openSession(SessionEnvironment environment);
}
