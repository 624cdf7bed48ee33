/** PostgresMain: one client backend process per connection — startup, authentication, the message loop. */
package org.pgkernel.backend.internal;
