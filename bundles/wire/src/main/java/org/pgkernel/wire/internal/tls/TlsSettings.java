package org.pgkernel.wire.internal.tls;

import java.nio.file.Path;
import java.util.function.Function;

/**
 * The ssl_* settings as one value, read once per load so that a configuration is built from
 * one consistent set of values. File settings keep their spelling (messages quote them);
 * {@link #resolve} turns a relative one into a path under the data directory.
 */
record TlsSettings(boolean enabled, String certFile, String keyFile, String caFile, String crlFile, String crlDir,
                   String minProtocol, String maxProtocol, String ciphers, boolean preferServerCiphers,
                   String ecdhCurve, String passphraseCommand, boolean passphraseCommandSupportsReload,
                   Path dataDirectory) {

    /** {@code setting} answers as SHOW does; a setting it cannot answer has PostgreSQL's default. */
    static TlsSettings read(Function<String, String> setting, Path dataDirectory) {
        return new TlsSettings(
                bool(get(setting, "ssl", "off")),
                get(setting, "ssl_cert_file", "server.crt"),
                get(setting, "ssl_key_file", "server.key"),
                get(setting, "ssl_ca_file", ""),
                get(setting, "ssl_crl_file", ""),
                get(setting, "ssl_crl_dir", ""),
                get(setting, "ssl_min_protocol_version", "TLSv1.2"),
                get(setting, "ssl_max_protocol_version", ""),
                get(setting, "ssl_ciphers", "HIGH:MEDIUM:+3DES:!aNULL"),
                bool(get(setting, "ssl_prefer_server_ciphers", "on")),
                get(setting, "ssl_ecdh_curve", "prime256v1"),
                get(setting, "ssl_passphrase_command", ""),
                bool(get(setting, "ssl_passphrase_command_supports_reload", "off")),
                dataDirectory);
    }

    Path resolve(String file) {
        Path p = Path.of(file);
        return dataDirectory == null || p.isAbsolute() ? p : dataDirectory.resolve(p);
    }

    private static String get(Function<String, String> setting, String name, String fallback) {
        try {
            String v = setting.apply(name);
            return v == null ? fallback : v;
        } catch (RuntimeException e) {
            return fallback;
        }
    }

    private static boolean bool(String v) {
        return v.equalsIgnoreCase("on") || v.equalsIgnoreCase("true") || v.equalsIgnoreCase("yes") || v.equals("1");
    }
}
