package org.pgkernel.kernel.api;

import java.time.Instant;

/**
 * One row of pg_stat_activity as read from the process array in shared memory (PostgreSQL
 * 15's columns; null where PostgreSQL shows NULL).
 */
public record Activity(
        int datid, String datname, int pid, Integer leaderPid, int usesysid, String usename,
        String applicationName, String clientAddr, String clientHostname, Integer clientPort,
        Instant backendStart, Instant xactStart, Instant queryStart, Instant stateChange,
        String waitEventType, String waitEvent, String state, Long backendXid, Long backendXmin,
        Long queryId, String query, String backendType) {
}
