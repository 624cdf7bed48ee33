/** LISTEN/NOTIFY's shared part: the queue of committed notifications in shared memory (cf. commands/async.c). */
package org.pgkernel.kernel.internal.async;
