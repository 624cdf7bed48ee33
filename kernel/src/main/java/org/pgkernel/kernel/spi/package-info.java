/** Service interfaces that bundles implement to plug into the kernel: auxiliary processes, background workers, authentication methods, client listeners. */
@org.osgi.annotation.versioning.Version("0.3.0")
package org.pgkernel.kernel.spi;
