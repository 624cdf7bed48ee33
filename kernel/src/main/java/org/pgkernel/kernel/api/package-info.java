/** What every process and bundle uses from the kernel: errors with SQLSTATEs, processes, latches, signals and the postmaster service. */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.pgkernel.kernel.api;
