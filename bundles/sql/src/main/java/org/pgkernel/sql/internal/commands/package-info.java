/** The utility statements that change the shared catalog: roles, memberships, databases (user.c, dbcommands.c). */
package org.pgkernel.sql.internal.commands;
