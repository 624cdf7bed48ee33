package org.pgkernel.logging;

/**
 * What the log line prefix knows of the process that writes a line. One instance per
 * process, mutated only by the thread that owns the process (single writer), read by the
 * same thread when it logs.
 */
public final class LogContext {
    public int pid;
    public String backendType;
    /** true for client backends once the session is established (elog's %q rule). */
    public boolean session;
    public String userName;
    public String databaseName;
    public String applicationName;
    public String remoteHost;
    public String remotePort;
    public String commandTag;
    public String sqlState;
    public long startEpochSeconds = System.currentTimeMillis() / 1000;
    public long lineNumber;
    public int backendId;
    public long localXid;
    public long xid;
}
