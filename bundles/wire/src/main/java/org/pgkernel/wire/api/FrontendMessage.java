package org.pgkernel.wire.api;

/**
 * The messages a frontend sends after the startup packet, named as the protocol chapter
 * names them. Strings are decoded in the connection's client encoding.
 */
public sealed interface FrontendMessage {
    record Query(String sql) implements FrontendMessage { }
    record Parse(String statementName, String query, int[] parameterTypes) implements FrontendMessage { }
    record Bind(String portalName, String statementName, short[] parameterFormats, byte[][] parameterValues,
                short[] resultFormats) implements FrontendMessage { }
    /** kind 'S' statement or 'P' portal. */
    record Describe(char kind, String name) implements FrontendMessage { }
    record Execute(String portalName, int maxRows) implements FrontendMessage { }
    record Close(char kind, String name) implements FrontendMessage { }
    record Sync() implements FrontendMessage { }
    record Flush() implements FrontendMessage { }
    record Terminate() implements FrontendMessage { }
    record CopyData(byte[] data) implements FrontendMessage { }
    record CopyDone() implements FrontendMessage { }
    record CopyFail(String message) implements FrontendMessage { }
    record FunctionCall(int functionOid, short[] argumentFormats, byte[][] arguments, short resultFormat)
            implements FrontendMessage { }
    /** 'p': PasswordMessage, SASLInitialResponse or SASLResponse; the body is interpreted by the auth exchange. */
    record PasswordMessage(byte[] body) implements FrontendMessage { }
    /**
     * Input that breaks the protocol. {@code fatal}: the framing is lost (invalid message
     * type, invalid length) and the connection must end with FATAL 08P01; otherwise the
     * body of one message was malformed ("invalid string in message", "insufficient data
     * left in message") and an ERROR 08P01 suffices.
     */
    record ProtocolViolation(boolean fatal, String message) implements FrontendMessage { }
}
