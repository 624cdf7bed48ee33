/** The shared catalog's implementation: the state, its file, the DS component and initdb's entry. */
package org.pgkernel.catalog.internal;
