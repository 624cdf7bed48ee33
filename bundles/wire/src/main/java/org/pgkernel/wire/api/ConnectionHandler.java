package org.pgkernel.wire.api;

/**
 * Receives connections whose StartupMessage has arrived; registered as an OSGi service by
 * the backend bundle. Called on a network thread: it must not block (it launches a backend
 * process and returns).
 */
public interface ConnectionHandler {
    void startup(FrontendConnection connection, StartupPacket packet);
}
