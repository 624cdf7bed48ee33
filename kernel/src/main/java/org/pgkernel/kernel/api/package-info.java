/** What every process and bundle uses from the kernel: errors with SQLSTATEs, processes, latches, signals, the postmaster service and the LISTEN/NOTIFY queue. */
@org.osgi.annotation.versioning.Version("0.4.0")
package org.pgkernel.kernel.api;
