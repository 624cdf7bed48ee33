package org.pgkernel.wire.internal.frame;

import org.pgkernel.wire.testing.FrontendEncoder;

/** Small byte helpers for this package's tests. */
final class FrontendEncoderBytes {
    private FrontendEncoderBytes() { }

    static byte[] concat(byte[]... parts) {
        return FrontendEncoder.concat(parts);
    }

    static byte[] cstrings(String... s) {
        byte[][] parts = new byte[s.length][];
        for (int i = 0; i < s.length; i++) parts[i] = FrontendEncoder.cstring(s[i]);
        return concat(parts);
    }
}
