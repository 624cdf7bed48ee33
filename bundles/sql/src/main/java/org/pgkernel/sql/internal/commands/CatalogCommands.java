package org.pgkernel.sql.internal.commands;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.pgkernel.catalog.api.Database;
import org.pgkernel.catalog.api.Membership;
import org.pgkernel.catalog.api.Passwords;
import org.pgkernel.catalog.api.Role;
import org.pgkernel.catalog.api.SharedCatalog;
import org.pgkernel.kernel.api.Activity;
import org.pgkernel.kernel.api.ErrorSeverity;
import org.pgkernel.kernel.api.PgException;
import org.pgkernel.kernel.api.ProcSignal;
import org.pgkernel.kernel.api.SqlState;
import org.pgkernel.sql.api.SessionEnvironment;
import org.pgkernel.sql.internal.lex.Lexer;
import org.pgkernel.sql.internal.parse.Ast;
import org.pgkernel.sql.internal.parse.Ast.DefElem;
import org.pgkernel.sql.internal.parse.Ast.RoleSpec;
import org.pgkernel.sql.internal.types.DateTimes;
import org.pgkernel.kernel.api.Encodings;
import org.pgkernel.sql.internal.types.FormatSettings;

/**
 * The statements that change the shared catalog: CREATE/ALTER/DROP ROLE, GRANT/REVOKE role
 * (cf. commands/user.c) and CREATE/DROP DATABASE (cf. commands/dbcommands.c). Each method
 * makes PostgreSQL 15's checks in PostgreSQL's order — options, privileges of the current
 * user, names, dependencies — with its SQLSTATEs and wording, then changes the catalog
 * through {@link SharedCatalog}.
 *
 * <p>NOTES: the catalog is not transactional yet (it is a file, not tables). A statement's
 * changes are durable when it completes and a ROLLBACK does not undo them. To keep a failing
 * statement from leaving half its work behind, everything that can be checked is checked
 * before the first change (the roles named in IN ROLE/ROLE/ADMIN lists, every role of a DROP
 * ROLE list and its dependencies).
 *
 * <p>Privileges: the current user is the session user (SET ROLE does not switch it yet); its
 * attributes are read from the catalog at each statement, so an ALTER ROLE by another session
 * takes effect at once, as in PostgreSQL.
 */
public final class CatalogCommands {
    private static final String RESERVED_DETAIL = "Role names starting with \"pg_\" are reserved.";
    /** CountOtherDBBackends(): 50 tries, 100 ms apart. */
    private static final int BUSY_TRIES = 50;
    private static final long BUSY_WAIT_MS = 100;

    private final SessionEnvironment env;
    private final SharedCatalog catalog;
    private final String sql;
    private final Consumer<PgException> notices;
    private final FormatSettings format;
    private final Instant now;
    private final boolean inTransactionBlock;

    /**
     * @param sql                the query string (for error positions)
     * @param notices            where NOTICEs and WARNINGs go, in order
     * @param format             DateStyle/TimeZone for VALID UNTIL
     * @param now                the transaction start (for VALID UNTIL 'now')
     * @param inTransactionBlock whether a transaction block is open (CREATE/DROP DATABASE refuse to run in one)
     */
    public CatalogCommands(SessionEnvironment env, String sql, Consumer<PgException> notices, FormatSettings format,
                           Instant now, boolean inTransactionBlock) {
        this(env, env.catalog(), sql, notices, format, now, inTransactionBlock);
    }

    /** @param catalog the catalog the changes go to (the session's transactional view of it) */
    public CatalogCommands(SessionEnvironment env, SharedCatalog catalog, String sql, Consumer<PgException> notices,
                           FormatSettings format, Instant now, boolean inTransactionBlock) {
        this.env = env;
        this.catalog = catalog;
        this.sql = sql;
        this.notices = notices;
        this.format = format;
        this.now = now;
        this.inTransactionBlock = inTransactionBlock;
    }

    /** Runs the statement and returns its command tag. */
    public String execute(Ast.CatalogStmt stmt) {
        return switch (stmt) {
            case Ast.CreateRoleStmt s -> createRole(s);
            case Ast.AlterRoleStmt s -> alterRole(s);
            case Ast.RenameRoleStmt s -> renameRole(s);
            case Ast.DropRoleStmt s -> dropRole(s);
            case Ast.GrantRoleStmt s -> grantRole(s);
            case Ast.CreateDbStmt s -> createDatabase(s);
            case Ast.DropDbStmt s -> dropDatabase(s);
        };
    }

    // ================================================================== helpers

    private PgException at(PgException e, int loc) {
        return loc < 0 ? e : e.withPosition(Lexer.position(sql, loc));
    }

    private void notice(String message) {
        notices.accept(new PgException(ErrorSeverity.NOTICE, SqlState.SUCCESSFUL_COMPLETION, message, null, null, 0, null, null));
    }

    private void warning(SqlState state, String message, String hint, int loc) {
        notices.accept(new PgException(ErrorSeverity.WARNING, state, message, null, hint,
                loc < 0 ? 0 : Lexer.position(sql, loc), null, null));
    }

    private static PgException denied(String message) {
        return PgException.error(SqlState.INSUFFICIENT_PRIVILEGE, message);
    }

    /** The current user's row; null when it was dropped under us (then it has no privileges). */
    private Role currentUser() {
        return catalog.role(env.userName()).orElse(null);
    }

    private boolean superuser() {
        Role me = currentUser();
        return me != null && me.superuser();
    }

    /** have_createrole_privilege(). */
    private boolean createRolePrivilege() {
        Role me = currentUser();
        return me != null && (me.superuser() || me.createRole());
    }

    /** have_createdb_privilege(). */
    private boolean createDbPrivilege() {
        Role me = currentUser();
        return me != null && (me.superuser() || me.createDb());
    }

    private static boolean isReservedName(String name) {
        return name.startsWith("pg_");
    }

    private static PgException roleMissing(String name) {
        return PgException.error(SqlState.UNDEFINED_OBJECT, "role \"%s\" does not exist", name);
    }

    /** get_rolespec_tuple(): the role a RoleSpec names. */
    private Role role(RoleSpec spec) {
        return switch (spec.kind()) {
            case NAME -> catalog.role(spec.name()).orElseThrow(() -> roleMissing(spec.name()));
            case PUBLIC -> throw roleMissing("public");
            default -> catalog.role(env.userName()).orElseThrow(() -> roleMissing(env.userName()));
        };
    }

    private List<Role> roles(List<RoleSpec> specs) {
        List<Role> out = new ArrayList<>();
        for (RoleSpec s : specs) out.add(role(s));
        return out;
    }

    /** Every role {@code oid} is a member of, directly or not, itself included. */
    private Set<Integer> memberClosure(int oid) {
        Set<Integer> seen = new HashSet<>();
        Deque<Integer> todo = new ArrayDeque<>();
        seen.add(oid);
        todo.add(oid);
        List<Membership> all = catalog.memberships();
        while (!todo.isEmpty()) {
            int m = todo.poll();
            for (Membership ms : all) {
                if (ms.member() == m && seen.add(ms.roleId())) todo.add(ms.roleId());
            }
        }
        return seen;
    }

    /**
     * is_admin_of_role(): a superuser, or a member of {@code group} that holds the admin option
     * (directly or through a role it is a member of). A role does not administer itself: the
     * session user's self-administration is gone from PostgreSQL 15.x's later releases too.
     */
    private boolean isAdminOf(Role member, Role group) {
        if (member.superuser()) return true;
        if (member.oid() == group.oid()) return false;
        Set<Integer> closure = memberClosure(member.oid());
        for (Membership m : catalog.memberships()) {
            if (m.roleId() == group.oid() && m.adminOption() && closure.contains(m.member())) return true;
        }
        return false;
    }

    /** has_privs_of_role(), without NOINHERIT subtleties: superuser, or a member. */
    private boolean hasPrivsOf(Role member, int roleOid) {
        return member != null && (member.superuser() || memberClosure(member.oid()).contains(roleOid));
    }

    private String passwordEncryption() {
        try {
            String v = env.settings().show("password_encryption");
            return v == null ? "scram-sha-256" : v;
        } catch (PgException e) {
            return "scram-sha-256";
        }
    }

    /**
     * What a PASSWORD option stores: nothing for an empty password (or a hash of one), with
     * PostgreSQL's NOTICE; a hash as it is; a cleartext password hashed per password_encryption.
     */
    private String storedPassword(String role, String password) {
        if (password.isEmpty() || Passwords.verifyPlain(role, password, "")) {
            notice("empty string is not a valid password, clearing password");
            return null;
        }
        return Passwords.encrypt(passwordEncryption(), role, password);
    }

    private Instant validUntil(String text) {
        return DateTimes.parseTimestamptz(text, format, now);
    }

    /** The options of CREATE/ALTER ROLE by name, each at most once (42601 "conflicting or redundant options"). */
    private Map<String, DefElem> roleOptions(List<DefElem> options) {
        Map<String, DefElem> out = new LinkedHashMap<>();
        for (DefElem d : options) {
            if (d.name().equals("sysid")) {
                notice("SYSID can no longer be specified");
                continue;
            }
            if (out.putIfAbsent(d.name(), d) != null) {
                throw at(PgException.error(SqlState.SYNTAX_ERROR, "conflicting or redundant options"), d.loc());
            }
        }
        DefElem limit = out.get("connectionlimit");
        if (limit != null && (Integer) limit.value() < -1) {
            throw PgException.error(SqlState.INVALID_PARAMETER_VALUE, "invalid connection limit: %d", (Integer) limit.value());
        }
        return out;
    }

    private static boolean flag(Map<String, DefElem> o, String name, boolean dflt) {
        DefElem d = o.get(name);
        return d == null ? dflt : (Boolean) d.value();
    }

    @SuppressWarnings("unchecked")
    private static List<RoleSpec> list(Map<String, DefElem> o, String name) {
        DefElem d = o.get(name);
        return d == null ? List.of() : (List<RoleSpec>) d.value();
    }

    // ================================================================== CREATE ROLE

    private String createRole(Ast.CreateRoleStmt s) {
        Map<String, DefElem> o = roleOptions(s.options());
        boolean superuser = flag(o, "superuser", false);
        boolean replication = flag(o, "isreplication", false);
        boolean bypassRls = flag(o, "bypassrls", false);
        if (superuser) {
            if (!superuser()) throw denied("must be superuser to create superusers");
        } else if (replication) {
            if (!superuser()) throw denied("must be superuser to create replication users");
        } else if (bypassRls) {
            if (!superuser()) throw denied("must be superuser to create bypassrls users");
        } else if (!createRolePrivilege()) {
            throw denied("permission denied to create role");
        }
        if (isReservedName(s.name())) {
            throw PgException.error(SqlState.RESERVED_NAME, "role name \"%s\" is reserved", s.name()).withDetail(RESERVED_DETAIL);
        }
        if (catalog.role(s.name()).isPresent()) {
            throw PgException.error(SqlState.DUPLICATE_OBJECT, "role \"%s\" already exists", s.name());
        }
        DefElem vu = o.get("validUntil");
        Instant validUntil = vu == null ? null : validUntil((String) vu.value());
        DefElem pw = o.get("password");
        String password = pw == null || pw.value() == null ? null : storedPassword(s.name(), (String) pw.value());
        // the roles of the lists must exist, and granting into a superuser role needs a superuser
        List<Role> addTo = roles(list(o, "addroleto"));
        List<Role> admins = roles(list(o, "adminmembers"));
        List<Role> members = roles(list(o, "rolemembers"));
        for (Role g : addTo) {
            if (g.superuser() && !superuser()) throw denied("must be superuser to alter superusers");
        }
        DefElem limit = o.get("connectionlimit");
        Role created = catalog.createRole(new Role(0, s.name(), superuser, flag(o, "inherit", true),
                flag(o, "createrole", false), flag(o, "createdb", false),
                flag(o, "canlogin", s.kind() == Ast.RoleStmtKind.USER), replication, bypassRls,
                limit == null ? -1 : (Integer) limit.value(), password, validUntil));
        Role grantor = currentUser();
        for (Role g : addTo) addMember(g, created, grantor, false);
        for (Role m : admins) addMember(created, m, grantor, true);
        for (Role m : members) addMember(created, m, grantor, false);
        return "CREATE ROLE";
    }

    // ================================================================== ALTER ROLE

    private String alterRole(Ast.AlterRoleStmt s) {
        if (s.role().kind() == Ast.RoleSpecKind.NAME && isReservedName(s.role().name())) {
            throw PgException.error(SqlState.RESERVED_NAME, "role name \"%s\" is reserved", s.role().name())
                    .withDetail("Cannot alter reserved roles.");
        }
        Map<String, DefElem> o = roleOptions(s.options());
        Role old = role(s.role());
        Role me = currentUser();
        DefElem pw = o.get("password");
        if (old.superuser() || o.containsKey("superuser")) {
            if (!superuser()) throw denied("must be superuser to alter superuser roles or change superuser attribute");
        } else if (old.replication() || o.containsKey("isreplication")) {
            if (!superuser()) throw denied("must be superuser to alter replication roles or change replication attribute");
        } else if (o.containsKey("bypassrls")) {
            if (!superuser()) throw denied("must be superuser to change bypassrls attribute");
        } else if (!createRolePrivilege()) {
            // without CREATEROLE a role may only change its own password
            boolean ownPasswordOnly = pw != null && o.size() == 1 && me != null && me.oid() == old.oid();
            if (!ownPasswordOnly) throw denied("permission denied");
        }
        DefElem vu = o.get("validUntil");
        Instant validUntil = vu == null ? old.validUntil() : validUntil((String) vu.value());
        String password = old.password();
        if (pw != null) password = pw.value() == null ? null : storedPassword(old.name(), (String) pw.value());
        DefElem limit = o.get("connectionlimit");
        Role changed = new Role(old.oid(), old.name(), flag(o, "superuser", old.superuser()), flag(o, "inherit", old.inherit()),
                flag(o, "createrole", old.createRole()), flag(o, "createdb", old.createDb()),
                flag(o, "canlogin", old.login()), flag(o, "isreplication", old.replication()),
                flag(o, "bypassrls", old.bypassRls()), limit == null ? old.connLimit() : (Integer) limit.value(),
                password, validUntil);
        List<Role> members = roles(list(o, "rolemembers"));
        if (!members.isEmpty()) checkMembershipChange(changed, me);
        catalog.alterRole(changed);
        if (!members.isEmpty()) {
            if (s.action() > 0) {
                for (Role m : members) addMember(changed, m, me, false);
            } else {
                for (Role m : members) removeMember(changed, m, false);
            }
        }
        return "ALTER ROLE";
    }

    // ================================================================== ALTER ROLE … RENAME TO

    private String renameRole(Ast.RenameRoleStmt s) {
        Role old = catalog.role(s.oldName()).orElseThrow(() -> roleMissing(s.oldName()));
        // the session user is the current user until SET ROLE exists
        if (old.name().equals(env.userName())) {
            throw PgException.error(SqlState.FEATURE_NOT_SUPPORTED, "session user cannot be renamed");
        }
        if (isReservedName(old.name())) {
            throw PgException.error(SqlState.RESERVED_NAME, "role name \"%s\" is reserved", old.name()).withDetail(RESERVED_DETAIL);
        }
        if (isReservedName(s.newName())) {
            throw PgException.error(SqlState.RESERVED_NAME, "role name \"%s\" is reserved", s.newName()).withDetail(RESERVED_DETAIL);
        }
        if (catalog.role(s.newName()).isPresent()) {
            throw PgException.error(SqlState.DUPLICATE_OBJECT, "role \"%s\" already exists", s.newName());
        }
        if (old.superuser()) {
            if (!superuser()) throw denied("must be superuser to rename superusers");
        } else if (!createRolePrivilege()) {
            throw denied("permission denied to rename role");
        }
        Role renamed = old.withName(s.newName());
        if (old.password() != null && Passwords.typeOf(old.password()) == Passwords.Type.MD5) {
            // the role name is md5's salt
            renamed = renamed.withPassword(null);
            notice("MD5 password cleared because of role rename");
        }
        catalog.alterRole(renamed);
        return "ALTER ROLE";
    }

    // ================================================================== DROP ROLE

    private String dropRole(Ast.DropRoleStmt s) {
        if (!createRolePrivilege()) throw denied("permission denied to drop role");
        List<Role> victims = new ArrayList<>();
        for (RoleSpec spec : s.roles()) {
            if (spec.kind() != Ast.RoleSpecKind.NAME) {
                throw PgException.error(SqlState.INVALID_PARAMETER_VALUE, "cannot use special role specifier in DROP ROLE");
            }
            Role r = catalog.role(spec.name()).orElse(null);
            if (r == null) {
                if (!s.missingOk()) throw roleMissing(spec.name());
                notice("role \"" + spec.name() + "\" does not exist, skipping");
                continue;
            }
            if (r.name().equals(env.userName())) {
                throw PgException.error(SqlState.OBJECT_IN_USE, "current user cannot be dropped");
            }
            if (r.superuser() && !superuser()) throw denied("must be superuser to drop superusers");
            if (Integer.compareUnsigned(r.oid(), SharedCatalog.FIRST_NORMAL_OID) < 0) {
                throw PgException.error(SqlState.DEPENDENT_OBJECTS_STILL_EXIST,
                        "cannot drop role %s because it is required by the database system", r.name());
            }
            List<String> owned = new ArrayList<>();
            List<Database> dbs = new ArrayList<>(catalog.databases());
            dbs.sort((x, y) -> Integer.compareUnsigned(x.oid(), y.oid()));
            for (Database d : dbs) {
                if (d.ownerOid() == r.oid()) owned.add("owner of database " + d.name());
            }
            if (!owned.isEmpty()) {
                throw PgException.error(SqlState.DEPENDENT_OBJECTS_STILL_EXIST,
                        "role \"%s\" cannot be dropped because some objects depend on it", r.name())
                        .withDetail(String.join("\n", owned));
            }
            victims.add(r);
        }
        for (Role r : victims) catalog.dropRole(r.name());
        return "DROP ROLE";
    }

    // ================================================================== GRANT/REVOKE role

    private String grantRole(Ast.GrantRoleStmt s) {
        Role me = currentUser();
        Role grantor = s.grantor() != null ? role(s.grantor()) : me;
        List<Role> grantees = roles(s.grantees());
        for (String name : s.roles()) {
            Role group = catalog.role(name).orElseThrow(() -> roleMissing(name));
            if (s.grant()) {
                checkMembershipChange(group, grantor);
                if (grantor == null || me == null || grantor.oid() != me.oid()) {
                    if (!superuser()) throw denied("must be superuser to set grantor");
                }
                for (Role m : grantees) addMember(group, m, grantor, s.adminOption());
            } else {
                checkMembershipChange(group, me);
                for (Role m : grantees) removeMember(group, m, s.adminOption());
            }
        }
        return s.grant() ? "GRANT ROLE" : "REVOKE ROLE";
    }

    /** AddRoleMems()/DelRoleMems()'s privilege check on the role whose members change. */
    private void checkMembershipChange(Role group, Role actor) {
        if (group.superuser()) {
            if (!superuser()) throw denied("must be superuser to alter superusers");
        } else if (!createRolePrivilege() && (actor == null || !isAdminOf(actor, group))) {
            throw denied("must have admin option on role \"" + group.name() + "\"");
        }
    }

    private void addMember(Role group, Role member, Role grantor, boolean admin) {
        String by = grantor != null ? grantor.name() : env.userName();
        if (!catalog.grant(group.name(), member.name(), by, admin)) {
            notice("role \"" + member.name() + "\" is already a member of role \"" + group.name() + "\"");
        }
    }

    private void removeMember(Role group, Role member, boolean adminOnly) {
        if (!catalog.revoke(group.name(), member.name(), adminOnly)) {
            warning(SqlState.WARNING, "role \"" + member.name() + "\" is not a member of role \"" + group.name() + "\"", null, -1);
        }
    }

    // ================================================================== CREATE DATABASE

    private void preventInTransactionBlock(String command) {
        if (inTransactionBlock) {
            throw PgException.error(SqlState.ACTIVE_SQL_TRANSACTION, "%s cannot run inside a transaction block", command);
        }
    }

    private static String optionString(DefElem d) {
        return d.value() == null ? null : d.value().toString();
    }

    /** defGetBoolean(). */
    private static boolean optionBoolean(DefElem d) {
        Object v = d.value();
        if (v instanceof Integer i) {
            if (i == 0) return false;
            if (i == 1) return true;
        } else if (v instanceof String str) {
            switch (str.toLowerCase(Locale.ROOT)) {
                case "true", "on" -> { return true; }
                case "false", "off" -> { return false; }
                default -> { }
            }
        }
        throw PgException.error(SqlState.SYNTAX_ERROR, "%s requires a Boolean value", d.name());
    }

    private static final Set<String> CREATEDB_OPTIONS = Set.of("owner", "template", "encoding", "locale", "lc_collate",
            "lc_ctype", "icu_locale", "locale_provider", "collation_version", "tablespace", "allow_connections",
            "connection_limit", "is_template", "oid", "strategy", "location");

    private String createDatabase(Ast.CreateDbStmt s) {
        preventInTransactionBlock("CREATE DATABASE");
        Map<String, DefElem> o = new LinkedHashMap<>();
        for (DefElem d : s.options()) {
            if (!CREATEDB_OPTIONS.contains(d.name())) {
                throw at(PgException.error(SqlState.SYNTAX_ERROR, "option \"%s\" not recognized", d.name()), d.loc());
            }
            if (d.name().equals("location")) {
                warning(SqlState.FEATURE_NOT_SUPPORTED, "LOCATION is not supported anymore", "Consider using tablespaces instead.",
                        d.loc());
                continue;
            }
            if (o.putIfAbsent(d.name(), d) != null) {
                throw at(PgException.error(SqlState.SYNTAX_ERROR, "conflicting or redundant options"), d.loc());
            }
        }
        if (o.containsKey("locale") && (o.containsKey("lc_collate") || o.containsKey("lc_ctype"))) {
            throw at(PgException.error(SqlState.SYNTAX_ERROR, "conflicting or redundant options"), o.get("locale").loc())
                    .withDetail("LOCALE cannot be specified together with LC_COLLATE or LC_CTYPE.");
        }
        if (o.containsKey("oid")) {
            throw at(PgException.error(SqlState.FEATURE_NOT_SUPPORTED, "option \"oid\" is not supported yet"), o.get("oid").loc());
        }
        String encoding = null;
        DefElem enc = o.get("encoding");
        if (enc != null && enc.value() != null) {
            if (enc.value() instanceof Integer n) {
                if (!Encodings.isServerEncoding(n)) {
                    throw PgException.error(SqlState.UNDEFINED_OBJECT, "%d is not a valid encoding code", n);
                }
                encoding = Encodings.name(n);
            } else {
                int n = Encodings.serverNumber(enc.value().toString());
                if (n < 0) {
                    throw at(PgException.error(SqlState.UNDEFINED_OBJECT, "%s is not a valid encoding name", enc.value()),
                            enc.loc());
                }
                encoding = Encodings.name(n);
            }
        }
        DefElem limitEl = o.get("connection_limit");
        int connLimit = -1;
        if (limitEl != null && limitEl.value() != null) {
            if (!(limitEl.value() instanceof Integer n)) {
                throw PgException.error(SqlState.SYNTAX_ERROR, "%s requires an integer value", limitEl.name());
            }
            connLimit = n;
            if (connLimit < -1) {
                throw PgException.error(SqlState.INVALID_PARAMETER_VALUE, "invalid connection limit: %d", connLimit);
            }
        }
        boolean isTemplate = o.containsKey("is_template") && o.get("is_template").value() != null && optionBoolean(o.get("is_template"));
        boolean allowConn = !o.containsKey("allow_connections") || o.get("allow_connections").value() == null
                || optionBoolean(o.get("allow_connections"));
        DefElem strategy = o.get("strategy");
        if (strategy != null && strategy.value() != null) {
            String st = strategy.value().toString().toLowerCase(Locale.ROOT);
            if (!st.equals("wal_log") && !st.equals("file_copy")) {
                throw PgException.error(SqlState.INVALID_PARAMETER_VALUE, "invalid create database strategy \"%s\"",
                        strategy.value()).withHint("Valid strategies are \"wal_log\" and \"file_copy\".");
            }
        }
        DefElem provider = o.get("locale_provider");
        if (provider != null && provider.value() != null) {
            String pv = provider.value().toString().toLowerCase(Locale.ROOT);
            if (pv.equals("icu")) {
                throw PgException.error(SqlState.FEATURE_NOT_SUPPORTED, "ICU is not supported in this build");
            }
            if (!pv.equals("libc")) {
                throw PgException.error(SqlState.INVALID_PARAMETER_VALUE, "unrecognized locale provider: %s", provider.value());
            }
        }
        String ownerName = o.containsKey("owner") ? optionString(o.get("owner")) : null;
        Role owner = ownerName == null ? currentUser() : catalog.role(ownerName).orElseThrow(() -> roleMissing(ownerName));
        if (owner == null) throw roleMissing(env.userName());
        if (!createDbPrivilege()) throw denied("permission denied to create database");
        if (!hasMembership(currentUser(), owner)) throw denied("must be member of role \"" + owner.name() + "\"");
        String templateName = o.containsKey("template") && o.get("template").value() != null
                ? optionString(o.get("template")) : "template1";
        Database template = catalog.database(templateName).orElseThrow(() -> PgException.error(
                SqlState.INVALID_CATALOG_NAME, "template database \"%s\" does not exist", templateName));
        if (!template.isTemplate() && !hasPrivsOf(currentUser(), template.ownerOid())) {
            throw denied("permission denied to copy database \"" + templateName + "\"");
        }
        DefElem locale = o.get("locale");
        DefElem collateEl = o.containsKey("lc_collate") ? o.get("lc_collate") : locale;
        DefElem ctypeEl = o.containsKey("lc_ctype") ? o.get("lc_ctype") : locale;
        String collate = collateEl == null ? null : optionString(collateEl);
        String ctype = ctypeEl == null ? null : optionString(ctypeEl);
        if (encoding == null) encoding = template.encoding();
        if (collate == null) collate = template.collate();
        if (ctype == null) ctype = template.ctype();
        if (!templateName.equals("template0")) {
            if (!encoding.equals(template.encoding())) {
                throw PgException.error(SqlState.INVALID_PARAMETER_VALUE,
                        "new encoding (%s) is incompatible with the encoding of the template database (%s)", encoding,
                        template.encoding()).withHint("Use the same encoding as in the template database, or use template0 as template.");
            }
            if (!collate.equals(template.collate())) {
                throw PgException.error(SqlState.INVALID_PARAMETER_VALUE,
                        "new collation (%s) is incompatible with the collation of the template database (%s)", collate,
                        template.collate()).withHint("Use the same collation as in the template database, or use template0 as template.");
            }
            if (!ctype.equals(template.ctype())) {
                throw PgException.error(SqlState.INVALID_PARAMETER_VALUE,
                        "new LC_CTYPE (%s) is incompatible with the LC_CTYPE of the template database (%s)", ctype,
                        template.ctype()).withHint("Use the same LC_CTYPE as in the template database, or use template0 as template.");
            }
        }
        DefElem tablespace = o.get("tablespace");
        if (tablespace != null && tablespace.value() != null && !tablespace.value().toString().equals("pg_default")) {
            throw PgException.error(SqlState.UNDEFINED_OBJECT, "tablespace \"%s\" does not exist", tablespace.value());
        }
        if (catalog.database(s.name()).isPresent()) {
            throw PgException.error(SqlState.DUPLICATE_DATABASE, "database \"%s\" already exists", s.name());
        }
        int others = waitForOtherSessions(template.oid());
        if (others > 0) {
            throw PgException.error(SqlState.OBJECT_IN_USE, "source database \"%s\" is being accessed by other users",
                    templateName).withDetail(busyDetail(others));
        }
        catalog.createDatabase(new Database(0, s.name(), owner.oid(), encoding, collate, ctype, isTemplate, allowConn, connLimit));
        return "CREATE DATABASE";
    }

    /** is_member_of_role(): superuser, or a member directly or indirectly. */
    private boolean hasMembership(Role member, Role role) {
        return member != null && (member.superuser() || memberClosure(member.oid()).contains(role.oid()));
    }

    // ================================================================== DROP DATABASE

    private String dropDatabase(Ast.DropDbStmt s) {
        preventInTransactionBlock("DROP DATABASE");
        Database db = catalog.database(s.name()).orElse(null);
        if (db == null) {
            if (!s.missingOk()) throw PgException.error(SqlState.INVALID_CATALOG_NAME, "database \"%s\" does not exist", s.name());
            notice("database \"" + s.name() + "\" does not exist, skipping");
            return "DROP DATABASE";
        }
        if (!hasPrivsOf(currentUser(), db.ownerOid())) throw denied("must be owner of database " + db.name());
        if (db.isTemplate()) throw PgException.error(SqlState.WRONG_OBJECT_TYPE, "cannot drop a template database");
        if (db.oid() == env.databaseOid()) {
            throw PgException.error(SqlState.OBJECT_IN_USE, "cannot drop the currently open database");
        }
        if (s.force()) terminateOtherSessions(db.oid());
        int others = waitForOtherSessions(db.oid());
        if (others > 0) {
            throw PgException.error(SqlState.OBJECT_IN_USE, "database \"%s\" is being accessed by other users", db.name())
                    .withDetail(busyDetail(others));
        }
        catalog.dropDatabase(db.name());
        return "DROP DATABASE";
    }

    private static String busyDetail(int others) {
        return others == 1 ? "There is 1 other session using the database."
                : "There are " + others + " other sessions using the database.";
    }

    /** The other processes connected to database {@code oid}, as the process array shows them now. */
    private List<Activity> otherSessions(int oid) {
        int self = env.process() == null ? -1 : env.process().pid();
        List<Activity> out = new ArrayList<>();
        for (Activity a : env.postmaster().activity()) {
            if (a.datid() == oid && a.pid() != self) out.add(a);
        }
        return out;
    }

    /**
     * CountOtherDBBackends(): how many other sessions use the database, after waiting up to
     * five seconds for them to go (a client that just switched databases is still leaving).
     */
    private int waitForOtherSessions(int oid) {
        for (int tries = 0; ; tries++) {
            int n = otherSessions(oid).size();
            if (n == 0 || tries >= BUSY_TRIES) return n;
            if (env.process() != null) env.process().checkForInterrupts();
            try {
                Thread.sleep(BUSY_WAIT_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return n;
            }
        }
    }

    /** TerminateOtherDBBackends(): DROP DATABASE … WITH (FORCE) sends SIGTERM to the other sessions. */
    private void terminateOtherSessions(int oid) {
        List<Activity> others = otherSessions(oid);
        Role me = currentUser();
        for (Activity a : others) {
            Role owner = catalog.role(a.usesysid()).orElse(null);
            if (owner != null && owner.superuser() && !superuser()) {
                throw denied("must be a superuser to terminate superuser process");
            }
            if (owner != null && !hasPrivsOf(me, owner.oid()) && !catalog.isMemberOf(env.userName(), "pg_signal_backend")) {
                throw denied("must be a member of the role whose process is being terminated or member of pg_signal_backend");
            }
        }
        for (Activity a : others) env.postmaster().signal(a.pid(), ProcSignal.SIGTERM);
    }
}
