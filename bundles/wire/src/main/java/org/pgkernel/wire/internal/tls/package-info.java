/** TLS for the wire protocol: PEM keys and certificates, the server's SSL context and its reload, direct TLS, what a session shows of its TLS state. */
package org.pgkernel.wire.internal.tls;
