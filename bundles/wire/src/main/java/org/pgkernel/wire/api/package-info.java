/**
 * The wire protocol v3 as the backend sees it: connections, decoded frontend messages, a
 * writer for backend messages. No Netty type appears in this package's signatures.
 */
@org.osgi.annotation.versioning.Version("0.3.0")
package org.pgkernel.wire.api;
