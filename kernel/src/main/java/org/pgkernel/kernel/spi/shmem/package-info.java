/** Named shared-memory segments that subsystems and bundles request at run time. */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.pgkernel.kernel.spi.shmem;
