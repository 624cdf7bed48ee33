package org.pgkernel.catalog.api;

/**
 * One row of pg_auth_members: {@code member} is a member of {@code roleId}, granted by
 * {@code grantor}; with {@code adminOption} it may grant the membership on.
 */
public record Membership(int roleId, int member, int grantor, boolean adminOption) {
}
