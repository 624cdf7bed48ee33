package org.pgkernel.hba.api;

/**
 * Answers the catalog questions hba matching needs, asked by the backend that owns the
 * catalog: for {@code +group} user entries, the {@code samerole}/{@code samegroup} database
 * keywords and {@code +group} in pg_ident.conf.
 *
 * <p>Implementations must be thread-safe if shared and must not throw for unknown names.
 */
@FunctionalInterface
public interface RoleOracle {

    /** An oracle for when no catalog is available yet: nobody is a member of anything. */
    RoleOracle NONE = (role, group) -> false;

    /**
     * Whether {@code role} is directly or indirectly a member of {@code group}
     * (is_member_of_role_nosuper(): being a superuser does not make a role a member).
     * False when either role does not exist. A role counts as a member of itself.
     */
    boolean isMemberOf(String role, String group);
}
