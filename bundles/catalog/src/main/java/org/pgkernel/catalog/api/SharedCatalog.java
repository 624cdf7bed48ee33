package org.pgkernel.catalog.api;

import java.util.List;
import java.util.Optional;
import org.pgkernel.kernel.api.PgException;

/**
 * The shared catalog, an OSGi service. Reads are cheap (an immutable in-memory snapshot,
 * safe from any thread); every change is durable when the method returns (written to a new
 * file, fsynced, renamed over the old one, directory fsynced) and then visible to all
 * sessions. Changes are serialized. Errors are PgExceptions with PostgreSQL's SQLSTATE and
 * wording (42710 role "x" already exists, 42704 role "x" does not exist, 42P04 database "x"
 * already exists, 3D000 database "x" does not exist, 2BP01 when a role still owns a
 * database, 0LP01 for a circular grant, 58030 when the file cannot be written).
 *
 * <p>The catalog keeps the data consistent; it does not know who asks. Privilege checks
 * (CREATEROLE, superuser, admin option, database ownership) and the checks that need a
 * session (the current user, the current database, other sessions in a database: 55006) are
 * the caller's, as user.c and dbcommands.c make them before they touch the tables.
 */
public interface SharedCatalog {

    /** BOOTSTRAP_SUPERUSERID: the OID of the superuser initdb creates. */
    int BOOTSTRAP_SUPERUSER = 10;

    /** FirstNormalObjectId: roles and databases created after initdb get OIDs from here up. */
    int FIRST_NORMAL_OID = 16384;

    /** ROLE_PG_DATABASE_OWNER: the predefined role that cannot have explicit members. */
    int PG_DATABASE_OWNER = 6171;

    Optional<Role> role(String name);

    Optional<Role> role(int oid);

    /** All roles, by name. */
    List<Role> roles();

    Optional<Database> database(String name);

    Optional<Database> database(int oid);

    /** All databases, by name. */
    List<Database> databases();

    /** All memberships, in the order they were granted. */
    List<Membership> memberships();

    /**
     * is_member_of_role_nosuper(): whether {@code role} is {@code group} or a member of it,
     * directly or through other roles; false when either does not exist. Superuser status
     * does not make a role a member of anything.
     */
    boolean isMemberOf(String role, String group);

    /** Creates a role; {@code spec.oid()} is ignored and a fresh OID assigned. Returns the row stored. */
    Role createRole(Role spec) throws PgException;

    /** Replaces the row of the role {@code spec.oid()} (rename included). */
    Role alterRole(Role spec) throws PgException;

    /** Drops the role with its memberships. 2BP01 when it owns a database (DETAIL "owner of database x"). */
    void dropRole(String name) throws PgException;

    /**
     * GRANT group TO member [WITH ADMIN OPTION], recorded as granted by {@code grantor}.
     * 0LP01 {@code role "group" is a member of role "member"} for a circular grant (a role
     * granted to itself included).
     *
     * @return false when nothing changed because {@code member} already is a direct member
     *         (with the admin option, when that was asked for): PostgreSQL's NOTICE case
     */
    boolean grant(String group, String member, String grantor, boolean adminOption) throws PgException;

    /**
     * REVOKE [ADMIN OPTION FOR] group FROM member: removes the membership, or with
     * {@code adminOptionOnly} only its admin option.
     *
     * @return false when {@code member} is not a direct member (PostgreSQL's WARNING case, the caller's to report)
     */
    boolean revoke(String group, String member, boolean adminOptionOnly) throws PgException;

    /** REVOKE group FROM member. */
    default boolean revoke(String group, String member) throws PgException {
        return revoke(group, member, false);
    }

    /** Creates a database; {@code spec.oid()} is ignored and a fresh OID assigned. Returns the row stored. */
    Database createDatabase(Database spec) throws PgException;

    /** CREATE DATABASE name OWNER owner, with template1's encoding and locale. */
    default Database createDatabase(String name, String owner) throws PgException {
        Role r = role(owner).orElseThrow(() -> PgException.error(
                org.pgkernel.kernel.api.SqlState.UNDEFINED_OBJECT, "role \"%s\" does not exist", owner));
        Database t = database("template1").orElseThrow(() -> PgException.error(
                org.pgkernel.kernel.api.SqlState.INVALID_CATALOG_NAME, "template database \"%s\" does not exist", "template1"));
        return createDatabase(new Database(0, name, r.oid(), t.encoding(), t.collate(), t.ctype(), false, true, -1));
    }

    void dropDatabase(String name) throws PgException;

    /** A number that grows with every committed change (sessions and caches compare it). */
    long version();
}
