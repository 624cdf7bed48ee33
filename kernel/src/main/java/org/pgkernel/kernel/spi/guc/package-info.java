/** Settings (GUCs): definitions, the server-wide configuration, per-session values. */
@org.osgi.annotation.versioning.Version("0.2.0")
package org.pgkernel.kernel.spi.guc;
