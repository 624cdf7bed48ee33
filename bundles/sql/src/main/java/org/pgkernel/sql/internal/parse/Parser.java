package org.pgkernel.sql.internal.parse;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.pgkernel.kernel.api.PgException;
import org.pgkernel.kernel.api.SqlState;
import org.pgkernel.sql.internal.lex.Keywords;
import org.pgkernel.sql.internal.lex.Lexer;
import org.pgkernel.sql.internal.lex.Token;
import org.pgkernel.sql.internal.lex.TokenKind;
import org.pgkernel.sql.internal.parse.Ast.*;

/**
 * A recursive-descent parser for the part of PostgreSQL's grammar (gram.y) that pgkernel
 * runs, producing {@link Ast} nodes. Operator precedence follows gram.y's table, from
 * loosest: OR, AND, NOT, IS/ISNULL/NOTNULL, comparison (non-associative), BETWEEN/IN/LIKE/
 * ILIKE/SIMILAR, other operators (Op, e.g. ||), + -, * / %, ^, AT TIME ZONE, unary minus,
 * ::.
 *
 * <p>Why it reports errors where bison would: a syntax error names the first token that
 * cannot continue any valid statement ("syntax error at or near "x"", or "at end of
 * input"), with that token's position. The parser checks each token when it is consumed,
 * so the first unexpected token is the one blamed.
 */
public final class Parser {

    /** Keywords that end an expression in a target list, so they cannot be a bare alias. */
    private static final Set<String> NOT_BARE_LABEL = Set.of(
            "from", "where", "group", "having", "order", "limit", "offset", "union", "intersect", "except",
            "into", "for", "fetch", "window", "and", "or", "is", "isnull", "notnull", "in", "like", "ilike",
            "similar", "between", "not", "at", "collate", "escape", "overlaps", "as", "on", "using", "join",
            "cross", "inner", "left", "right", "full", "natural", "day", "hour", "minute", "month", "second",
            "year", "returning", "then", "when", "else", "end", "asc", "desc", "nulls", "to", "with", "without",
            "varying", "precision", "filter", "over", "within", "uescape", "character", "only", "all", "distinct",
            "array", "case", "cast", "select", "values", "table", "do", "create", "grant", "check", "default");

    private final String sql;
    private final List<Token> tokens;
    private int p;

    public Parser(String sql, List<Token> tokens) {
        this.sql = sql;
        this.tokens = tokens;
    }

    /** Parses with default lexer settings. */
    public static List<Stmt> parse(String sql) {
        return new Parser(sql, Lexer.lex(sql)).statements();
    }

    // ------------------------------------------------------------------ token helpers

    private Token peek() { return tokens.get(p); }

    private Token peek(int ahead) { return tokens.get(Math.min(p + ahead, tokens.size() - 1)); }

    private Token advance() {
        Token t = tokens.get(p);
        if (t.kind() != TokenKind.EOF) p++;
        return t;
    }

    private boolean atKeyword(String kw) { return peek().isKeyword(kw); }

    private boolean acceptKeyword(String kw) {
        if (atKeyword(kw)) {
            p++;
            return true;
        }
        return false;
    }

    private void expectKeyword(String kw) {
        if (!acceptKeyword(kw)) throw syntaxError();
    }

    private boolean atPunct(char c) { return peek().isPunct(c); }

    private boolean acceptPunct(char c) {
        if (atPunct(c)) {
            p++;
            return true;
        }
        return false;
    }

    private void expectPunct(char c) {
        if (!acceptPunct(c)) throw syntaxError();
    }

    private boolean atOp(String op) { return peek().isOp(op); }

    /** The syntax error at the current token. */
    public PgException syntaxError() { return syntaxErrorAt(peek()); }

    private PgException syntaxErrorAt(Token t) {
        if (t.kind() == TokenKind.EOF) {
            return PgException.error(SqlState.SYNTAX_ERROR, "syntax error at end of input")
                    .withPosition(Lexer.position(sql, sql.length()));
        }
        return PgException.error(SqlState.SYNTAX_ERROR,
                "syntax error at or near \"" + sql.substring(t.start(), t.end()) + "\"")
                .withPosition(Lexer.position(sql, t.start()));
    }

    private boolean atStatementEnd() { return atPunct(';') || peek().kind() == TokenKind.EOF; }

    /** ColId: an identifier or a non-reserved keyword usable as a name. */
    private String colId() {
        Token t = peek();
        if (t.isColId()) {
            p++;
            return t.value();
        }
        throw syntaxError();
    }

    /** ColLabel: any identifier or keyword. */
    private String colLabel() {
        Token t = peek();
        if (t.isLabel()) {
            p++;
            return t.value();
        }
        throw syntaxError();
    }

    // ------------------------------------------------------------------ statements

    /** All statements of the string; empty statements (";;") are dropped, as PostgreSQL drops them. */
    public List<Stmt> statements() {
        List<Stmt> out = new ArrayList<>();
        for (;;) {
            while (acceptPunct(';')) { /* empty statement */ }
            if (peek().kind() == TokenKind.EOF) return out;
            out.add(statement());
            if (peek().kind() == TokenKind.EOF) return out;
            if (!atPunct(';')) throw syntaxError();
        }
    }

    private Stmt statement() {
        Token t = peek();
        if (t.kind() == TokenKind.PUNCT && t.value().equals("(")) return selectStatement();
        if (t.kind() != TokenKind.IDENT || t.keyword() == null) throw syntaxError();
        switch (t.value()) {
            case "select", "values", "table" -> { return selectStatement(); }
            case "show" -> { p++; return show(); }
            case "set" -> { p++; return set(); }
            case "reset" -> { p++; return reset(); }
            case "begin" -> {
                p++;
                if (!acceptKeyword("work")) acceptKeyword("transaction");
                return new TransactionStmt(TxKind.BEGIN, false, null, transactionModes());
            }
            case "start" -> {
                p++;
                expectKeyword("transaction");
                return new TransactionStmt(TxKind.START, false, null, transactionModes());
            }
            case "commit", "end" -> {
                p++;
                if (t.value().equals("commit") && acceptKeyword("prepared")) {
                    return new TransactionStmt(TxKind.COMMIT_PREPARED, false, stringLiteral(), List.of());
                }
                if (!acceptKeyword("work")) acceptKeyword("transaction");
                return new TransactionStmt(TxKind.COMMIT, chain(), null, List.of());
            }
            case "rollback", "abort" -> {
                p++;
                if (t.value().equals("rollback") && acceptKeyword("prepared")) {
                    return new TransactionStmt(TxKind.ROLLBACK_PREPARED, false, stringLiteral(), List.of());
                }
                if (!acceptKeyword("work")) acceptKeyword("transaction");
                if (t.value().equals("rollback") && acceptKeyword("to")) {
                    acceptKeyword("savepoint");
                    return new TransactionStmt(TxKind.ROLLBACK_TO, false, colId(), List.of());
                }
                return new TransactionStmt(TxKind.ROLLBACK, chain(), null, List.of());
            }
            case "savepoint" -> {
                p++;
                return new TransactionStmt(TxKind.SAVEPOINT, false, colId(), List.of());
            }
            case "release" -> {
                p++;
                acceptKeyword("savepoint");
                return new TransactionStmt(TxKind.RELEASE, false, colId(), List.of());
            }
            case "listen" -> { p++; return new ListenStmt(colId()); }
            case "unlisten" -> {
                p++;
                if (atOp("*")) {
                    p++;
                    return new UnlistenStmt(null);
                }
                return new UnlistenStmt(colId());
            }
            case "notify" -> {
                p++;
                String channel = colId();
                String payload = null;
                if (acceptPunct(',')) payload = stringLiteral();
                return new NotifyStmt(channel, payload);
            }
            case "insert" -> { return insert(); }
            case "update" -> { return update(); }
            case "delete" -> { return delete(); }
            case "create" -> { return create(); }
            case "with" -> { return unsupported("WITH"); }
            case "alter" -> { return alter(); }
            case "drop" -> { return drop(); }
            case "grant" -> { return grantOrRevoke(true); }
            case "revoke" -> { return grantOrRevoke(false); }
            case "copy", "explain", "prepare", "execute", "deallocate",
                 "vacuum", "analyze", "analyse", "checkpoint", "truncate", "do", "call", "comment", "discard",
                 "lock", "declare", "fetch", "close", "move", "reindex", "cluster", "security", "refresh",
                 "import", "load", "reassign", "merge" -> { return unsupported(t.value().toUpperCase(java.util.Locale.ROOT)); }
            default -> throw syntaxError();
        }
    }

    private boolean chain() {
        if (acceptKeyword("and")) {
            boolean no = acceptKeyword("no");
            expectKeyword("chain");
            return !no;
        }
        return false;
    }

    private List<String> transactionModes() {
        List<String> modes = new ArrayList<>();
        for (;;) {
            if (acceptKeyword("isolation")) {
                expectKeyword("level");
                if (acceptKeyword("serializable")) modes.add("isolation level serializable");
                else if (acceptKeyword("repeatable")) {
                    expectKeyword("read");
                    modes.add("isolation level repeatable read");
                } else if (acceptKeyword("read")) {
                    if (acceptKeyword("committed")) modes.add("isolation level read committed");
                    else {
                        expectKeyword("uncommitted");
                        modes.add("isolation level read uncommitted");
                    }
                } else throw syntaxError();
            } else if (acceptKeyword("read")) {
                if (acceptKeyword("only")) modes.add("read only");
                else {
                    expectKeyword("write");
                    modes.add("read write");
                }
            } else if (acceptKeyword("not")) {
                expectKeyword("deferrable");
                modes.add("not deferrable");
            } else if (acceptKeyword("deferrable")) {
                modes.add("deferrable");
            } else {
                return modes;
            }
            acceptPunct(',');
        }
    }

    private String stringLiteral() {
        Token t = peek();
        if (t.kind() != TokenKind.SCONST) throw syntaxError();
        p++;
        return t.value();
    }

    /** A statement kind this server parses no further: skips to the end of the statement. */
    private UnsupportedStmt unsupported(String command) {
        int loc = peek().start();
        int depth = 0;
        while (peek().kind() != TokenKind.EOF && !(depth == 0 && atPunct(';'))) {
            if (atPunct('(')) depth++;
            if (atPunct(')')) depth--;
            p++;
        }
        return new UnsupportedStmt(command, null, loc);
    }

    /** Dotted name: name [. name]. */
    private RangeVar qualifiedName() {
        int loc = peek().start();
        String first = colId();
        if (acceptPunct('.')) {
            String second = colLabel();
            if (acceptPunct('.')) {
                colLabel();
                throw PgException.error(SqlState.FEATURE_NOT_SUPPORTED,
                        "cross-database references are not implemented: %s", sql.substring(loc, tokens.get(p - 1).end()))
                        .withPosition(Lexer.position(sql, loc));
            }
            return new RangeVar(first, second, null, loc);
        }
        return new RangeVar(null, first, null, loc);
    }

    private Stmt create() {
        int loc = peek().start();
        p++; // CREATE
        if (atRoleKeyword()) return createRole();
        if (acceptKeyword("database")) return createDatabase();
        if (acceptKeyword("temp") || acceptKeyword("temporary") || acceptKeyword("unlogged")) {
            if (!atKeyword("table")) throw syntaxError();
        } else if (acceptKeyword("local") || acceptKeyword("global")) {
            if (!acceptKeyword("temp")) expectKeyword("temporary");
        }
        if (!atKeyword("table")) {
            return unsupported("CREATE");
        }
        p++;
        if (acceptKeyword("if")) {
            expectKeyword("not");
            expectKeyword("exists");
        }
        RangeVar rel = qualifiedName();
        expectPunct('(');
        if (!atPunct(')')) {
            do {
                if (atKeyword("constraint") || atKeyword("primary") || atKeyword("unique") || atKeyword("check")
                        || atKeyword("foreign") || atKeyword("exclude") || atKeyword("like")) {
                    skipTableElement();
                } else {
                    colId();
                    typeName();
                    skipTableElement();
                }
            } while (acceptPunct(','));
        }
        expectPunct(')');
        while (!atStatementEnd()) advanceBalanced();
        return new UnsupportedStmt("CREATE TABLE", rel, loc);
    }

    // ------------------------------------------------------------------ roles and databases (cf. gram.y)

    /** ROLE, USER (but not USER MAPPING) or GROUP: the words that start role statements. */
    private boolean atRoleKeyword() {
        return atKeyword("role") || atKeyword("user") && !peek(1).isKeyword("mapping") || atKeyword("group");
    }

    private PgException errorAt(SqlState state, int loc, String format, Object... args) {
        return PgException.error(state, format, args).withPosition(Lexer.position(sql, loc));
    }

    /**
     * RoleSpec: a name (NonReservedWord), PUBLIC, CURRENT_ROLE, CURRENT_USER or SESSION_USER;
     * "none" is reserved (42939).
     */
    private RoleSpec roleSpec() {
        Token t = peek();
        int loc = t.start();
        if (t.isKeyword("current_role") || t.isKeyword("current_user") || t.isKeyword("session_user")) {
            p++;
            return new RoleSpec(RoleSpecKind.valueOf(t.value().toUpperCase(java.util.Locale.ROOT)), null, loc);
        }
        if (t.kind() != TokenKind.IDENT || t.keyword() == Keywords.Category.RESERVED) throw syntaxError();
        p++;
        if (t.value().equals("public")) return new RoleSpec(RoleSpecKind.PUBLIC, null, loc);
        if (t.value().equals("none")) throw errorAt(SqlState.RESERVED_NAME, loc, "role name \"%s\" is reserved", "none");
        return new RoleSpec(RoleSpecKind.NAME, t.value(), loc);
    }

    private List<RoleSpec> roleList() {
        List<RoleSpec> out = new ArrayList<>();
        do {
            out.add(roleSpec());
        } while (acceptPunct(','));
        return out;
    }

    /** RoleId: a RoleSpec that must be a plain name. */
    private String roleId() {
        return roleId(roleSpec());
    }

    private String roleId(RoleSpec r) {
        return switch (r.kind()) {
            case NAME -> r.name();
            case PUBLIC -> throw errorAt(SqlState.RESERVED_NAME, r.loc(), "role name \"%s\" is reserved", "public");
            default -> throw errorAt(SqlState.RESERVED_NAME, r.loc(), "%s cannot be used as a role name here",
                    r.kind().name());
        };
    }

    /** SignedIconst. */
    private int signedIconst() {
        boolean negative = false;
        if (atOp("-")) {
            p++;
            negative = true;
        } else if (atOp("+")) {
            p++;
        }
        Token t = peek();
        if (t.kind() != TokenKind.ICONST) throw syntaxError();
        p++;
        int v = Integer.parseInt(t.value());
        return negative ? -v : v;
    }

    /** CREATE ROLE/USER/GROUP name [WITH] CreateOptRoleElem… */
    private Stmt createRole() {
        RoleStmtKind kind = RoleStmtKind.valueOf(advance().value().toUpperCase(java.util.Locale.ROOT));
        String name = roleId();
        acceptKeyword("with");
        List<DefElem> options = new ArrayList<>();
        while (!atStatementEnd()) options.add(roleOption(true));
        return new CreateRoleStmt(kind, name, options);
    }

    /** AlterOptRoleElem, and with {@code create} CreateOptRoleElem's extra SYSID, ADMIN, ROLE, IN ROLE/GROUP. */
    private DefElem roleOption(boolean create) {
        Token t = peek();
        int loc = t.start();
        if (acceptKeyword("password")) {
            if (acceptKeyword("null")) return new DefElem("password", null, loc);
            return new DefElem("password", stringLiteral(), loc);
        }
        if (acceptKeyword("encrypted")) {
            expectKeyword("password");
            return new DefElem("password", stringLiteral(), loc);
        }
        if (acceptKeyword("unencrypted")) {
            expectKeyword("password");
            stringLiteral();
            throw errorAt(SqlState.FEATURE_NOT_SUPPORTED, loc, "UNENCRYPTED PASSWORD is no longer supported")
                    .withHint("Remove UNENCRYPTED to store the password in encrypted form instead.");
        }
        if (acceptKeyword("inherit")) return new DefElem("inherit", true, loc);
        if (acceptKeyword("connection")) {
            expectKeyword("limit");
            return new DefElem("connectionlimit", signedIconst(), loc);
        }
        if (acceptKeyword("valid")) {
            expectKeyword("until");
            return new DefElem("validUntil", stringLiteral(), loc);
        }
        if (acceptKeyword("user")) return new DefElem("rolemembers", roleList(), loc);
        if (create) {
            if (acceptKeyword("sysid")) {
                Token n = peek();
                if (n.kind() != TokenKind.ICONST) throw syntaxError();
                p++;
                return new DefElem("sysid", Integer.parseInt(n.value()), loc);
            }
            if (acceptKeyword("admin")) return new DefElem("adminmembers", roleList(), loc);
            if (acceptKeyword("role")) return new DefElem("rolemembers", roleList(), loc);
            if (acceptKeyword("in")) {
                if (!acceptKeyword("role")) expectKeyword("group");
                return new DefElem("addroleto", roleList(), loc);
            }
        }
        if (t.kind() == TokenKind.IDENT && t.keyword() == null) {
            p++;
            return switch (t.value()) {
                case "superuser" -> new DefElem("superuser", true, loc);
                case "nosuperuser" -> new DefElem("superuser", false, loc);
                case "createrole" -> new DefElem("createrole", true, loc);
                case "nocreaterole" -> new DefElem("createrole", false, loc);
                case "replication" -> new DefElem("isreplication", true, loc);
                case "noreplication" -> new DefElem("isreplication", false, loc);
                case "createdb" -> new DefElem("createdb", true, loc);
                case "nocreatedb" -> new DefElem("createdb", false, loc);
                case "login" -> new DefElem("canlogin", true, loc);
                case "nologin" -> new DefElem("canlogin", false, loc);
                case "bypassrls" -> new DefElem("bypassrls", true, loc);
                case "nobypassrls" -> new DefElem("bypassrls", false, loc);
                case "noinherit" -> new DefElem("inherit", false, loc);
                default -> throw errorAt(SqlState.SYNTAX_ERROR, loc, "unrecognized role option \"%s\"", t.value());
            };
        }
        throw syntaxError();
    }

    /**
     * ALTER ROLE/USER role [WITH] options, ALTER ROLE/USER/GROUP name RENAME TO name,
     * ALTER GROUP role ADD|DROP USER roles. ALTER ROLE … SET and every other ALTER are not
     * supported yet.
     */
    private Stmt alter() {
        int start = p;
        p++; // ALTER
        if (!atRoleKeyword() || peek(1).isKeyword("all")) {
            p = start;
            return unsupported("ALTER");
        }
        boolean group = advance().isKeyword("group");
        RoleSpec role = roleSpec();
        if (atKeyword("rename")) {
            String oldName = roleId(role);
            p++;
            expectKeyword("to");
            int loc = peek().start();
            return new RenameRoleStmt(oldName, roleId(), loc);
        }
        if (group) {
            int loc = peek().start();
            int action;
            if (acceptKeyword("add")) action = 1;
            else if (acceptKeyword("drop")) action = -1;
            else throw syntaxError();
            expectKeyword("user");
            return new AlterRoleStmt(role, List.of(new DefElem("rolemembers", roleList(), loc)), action);
        }
        if (atKeyword("in") || atKeyword("set") || atKeyword("reset")) {
            p = start;
            return unsupported("ALTER ROLE ... SET");
        }
        acceptKeyword("with");
        List<DefElem> options = new ArrayList<>();
        while (!atStatementEnd()) options.add(roleOption(false));
        return new AlterRoleStmt(role, options, 1);
    }

    /** DROP ROLE/USER/GROUP [IF EXISTS] roles; DROP DATABASE [IF EXISTS] name [[WITH] (FORCE)]; other DROPs are not supported yet. */
    private Stmt drop() {
        int start = p;
        p++; // DROP
        if (atRoleKeyword()) {
            p++;
            boolean ifExists = false;
            if (acceptKeyword("if")) {
                expectKeyword("exists");
                ifExists = true;
            }
            return new DropRoleStmt(roleList(), ifExists);
        }
        if (acceptKeyword("database")) {
            boolean ifExists = false;
            if (acceptKeyword("if")) {
                expectKeyword("exists");
                ifExists = true;
            }
            String name = colId();
            boolean force = false;
            if (acceptKeyword("with") || atPunct('(')) {
                expectPunct('(');
                do {
                    expectKeyword("force");
                    force = true;
                } while (acceptPunct(','));
                expectPunct(')');
            }
            return new DropDbStmt(name, ifExists, force);
        }
        p = start;
        return unsupported("DROP");
    }

    /**
     * GRANT roles TO roles [WITH ADMIN OPTION] [GRANTED BY role] and REVOKE [ADMIN OPTION FOR]
     * roles FROM roles [GRANTED BY role] [CASCADE|RESTRICT]. A privilege list followed by ON
     * (privileges on objects) is not supported yet.
     */
    private Stmt grantOrRevoke(boolean grant) {
        int start = p;
        String command = grant ? "GRANT" : "REVOKE";
        p++;
        boolean admin = false;
        if (!grant && atKeyword("admin") && peek(1).isKeyword("option") && peek(2).isKeyword("for")) {
            p += 3;
            admin = true;
        }
        if (atKeyword("all") || !grant && atKeyword("grant")) {
            p = start;
            return unsupported(command);
        }
        List<String> roles = new ArrayList<>();
        boolean columns = false;
        int columnsLoc = -1;
        do {
            Token t = peek();
            if (t.isKeyword("select") || t.isKeyword("references") || t.isKeyword("create")) {
                p++;
                roles.add(t.value());
            } else {
                roles.add(colId());
            }
            if (atPunct('(')) {
                if (!columns) columnsLoc = peek().start();
                columns = true;
                advanceBalanced();
            }
        } while (acceptPunct(','));
        if (atKeyword("on")) {
            p = start;
            return unsupported(command);
        }
        expectKeyword(grant ? "to" : "from");
        List<RoleSpec> grantees = roleList();
        if (grant && acceptKeyword("with")) {
            expectKeyword("admin");
            expectKeyword("option");
            admin = true;
        }
        RoleSpec grantor = null;
        if (acceptKeyword("granted")) {
            expectKeyword("by");
            grantor = roleSpec();
        }
        if (!grant && !acceptKeyword("cascade")) acceptKeyword("restrict");
        if (columns) {
            throw PgException.error(SqlState.INVALID_GRANT_OPERATION, "column names cannot be included in GRANT/REVOKE ROLE");
        }
        return new GrantRoleStmt(grant, roles, grantees, admin, grantor);
    }

    /** CREATE DATABASE name [WITH] createdb_opt_item…; each option name [=] value|DEFAULT. */
    private Stmt createDatabase() {
        String name = colId();
        acceptKeyword("with");
        List<DefElem> options = new ArrayList<>();
        while (!atStatementEnd()) {
            Token t = peek();
            int loc = t.start();
            String option;
            if (acceptKeyword("connection")) {
                expectKeyword("limit");
                option = "connection_limit";
            } else if (t.isKeyword("encoding") || t.isKeyword("location") || t.isKeyword("owner")
                    || t.isKeyword("tablespace") || t.isKeyword("template")) {
                p++;
                option = t.value();
            } else if (t.kind() == TokenKind.IDENT && t.keyword() == null) {
                p++;
                option = t.value();
            } else {
                throw syntaxError();
            }
            if (atOp("=")) p++;
            Object value;
            if (acceptKeyword("default")) {
                value = null;
            } else if (atOp("-") || atOp("+") || peek().kind() == TokenKind.ICONST || peek().kind() == TokenKind.FCONST) {
                Const c = setValue();
                value = c.kind() == ConstKind.INTEGER ? (Object) Integer.valueOf(c.value()) : c.value();
            } else {
                Token v = peek();
                if (v.kind() == TokenKind.SCONST || v.kind() == TokenKind.IDENT
                        && (v.keyword() != Keywords.Category.RESERVED || v.isKeyword("true") || v.isKeyword("false")
                            || v.isKeyword("on"))) {
                    p++;
                    value = v.value();
                } else {
                    throw syntaxError();
                }
            }
            options.add(new DefElem(option, value, loc));
        }
        return new CreateDbStmt(name, options);
    }

    /** Skips tokens up to the next ',' or ')' at this nesting level. */
    private void skipTableElement() {
        while (!atPunct(',') && !atPunct(')') && !atStatementEnd()) advanceBalanced();
    }

    private void advanceBalanced() {
        if (acceptPunct('(')) {
            int depth = 1;
            while (depth > 0) {
                if (peek().kind() == TokenKind.EOF) throw syntaxError();
                if (atPunct('(')) depth++;
                if (atPunct(')')) depth--;
                p++;
            }
        } else {
            advance();
        }
    }

    private Stmt insert() {
        p++; // INSERT
        expectKeyword("into");
        RangeVar rel = qualifiedName();
        if (acceptKeyword("as")) colId();
        if (atPunct('(') && !isSelectStart(peek(1))) {
            p++;
            do {
                colId();
            } while (acceptPunct(','));
            expectPunct(')');
        }
        SelectStmt source = null;
        if (acceptKeyword("default")) {
            expectKeyword("values");
        } else {
            source = selectWithSetOps();
        }
        if (acceptKeyword("on")) {
            expectKeyword("conflict");
            while (!atStatementEnd() && !atKeyword("returning")) advanceBalanced();
        }
        returning();
        return new DmlStmt("INSERT", rel, source);
    }

    private boolean isSelectStart(Token t) {
        return t.isKeyword("select") || t.isKeyword("values") || t.isKeyword("with") || t.isKeyword("table");
    }

    private void returning() {
        if (acceptKeyword("returning")) targetList();
    }

    private Stmt update() {
        p++; // UPDATE
        acceptKeyword("only");
        RangeVar rel = qualifiedName();
        if (acceptKeyword("as") || (peek().isColId() && !atKeyword("set"))) {
            if (!atKeyword("set")) colId();
        }
        expectKeyword("set");
        do {
            if (acceptPunct('(')) {
                do {
                    colId();
                } while (acceptPunct(','));
                expectPunct(')');
                if (!atOp("=")) throw syntaxError();
                p++;
                expr();
            } else {
                colId();
                while (acceptPunct('.')) colLabel();
                if (!atOp("=")) throw syntaxError();
                p++;
                if (!acceptKeyword("default")) expr();
            }
        } while (acceptPunct(','));
        if (acceptKeyword("from")) fromList();
        if (acceptKeyword("where")) expr();
        returning();
        return new DmlStmt("UPDATE", rel, null);
    }

    private Stmt delete() {
        p++; // DELETE
        expectKeyword("from");
        acceptKeyword("only");
        RangeVar rel = qualifiedName();
        if (acceptKeyword("as")) colId();
        else if (peek().isColId() && !atKeyword("using")) colId();
        if (acceptKeyword("using")) fromList();
        if (acceptKeyword("where")) expr();
        returning();
        return new DmlStmt("DELETE", rel, null);
    }

    private Stmt show() {
        if (acceptKeyword("all")) return new ShowStmt("all");
        if (acceptKeyword("time")) {
            expectKeyword("zone");
            return new ShowStmt("timezone");
        }
        if (acceptKeyword("transaction")) {
            expectKeyword("isolation");
            expectKeyword("level");
            return new ShowStmt("transaction_isolation");
        }
        if (acceptKeyword("session")) {
            expectKeyword("authorization");
            return new ShowStmt("session_authorization");
        }
        return new ShowStmt(varName());
    }

    /** var_name: ColId [. ColLabel …]. */
    private String varName() {
        StringBuilder b = new StringBuilder(colId());
        while (acceptPunct('.')) b.append('.').append(colLabel());
        return b.toString();
    }

    private Stmt set() {
        int loc = peek().start();
        boolean local = false;
        if (acceptKeyword("local")) local = true;
        else if (atKeyword("session") && !peek(1).isKeyword("characteristics")
                && !(peek(1).isKeyword("authorization"))) {
            p++;
        }
        if (acceptKeyword("transaction")) {
            transactionModes();
            return new SetStmt(SetKind.TRANSACTION, "transaction", List.of(), local, loc);
        }
        if (atKeyword("session") && peek(1).isKeyword("characteristics")) {
            p += 2;
            expectKeyword("as");
            expectKeyword("transaction");
            transactionModes();
            return new SetStmt(SetKind.TRANSACTION, "transaction", List.of(), local, loc);
        }
        if (acceptKeyword("time")) {
            expectKeyword("zone");
            return setTimeZone(local, loc);
        }
        if (acceptKeyword("names")) {
            if (acceptKeyword("default") || atStatementEnd()) {
                return new SetStmt(SetKind.DEFAULT, "client_encoding", List.of(), local, loc);
            }
            return new SetStmt(SetKind.VALUE, "client_encoding", List.of(setValue()), local, loc);
        }
        if (acceptKeyword("schema")) {
            return new SetStmt(SetKind.VALUE, "search_path", List.of(setValue()), local, loc);
        }
        if (atKeyword("session") && peek(1).isKeyword("authorization")) {
            p += 2;
            if (acceptKeyword("default")) return new SetStmt(SetKind.DEFAULT, "session_authorization", List.of(), local, loc);
            return new SetStmt(SetKind.VALUE, "session_authorization", List.of(setValue()), local, loc);
        }
        if (acceptKeyword("role")) {
            return new SetStmt(SetKind.VALUE, "role", List.of(setValue()), local, loc);
        }
        String name = varName();
        if (acceptKeyword("to") || (atOp("=") && advance() != null)) {
            if (acceptKeyword("default")) return new SetStmt(SetKind.DEFAULT, name, List.of(), local, loc);
            List<Const> values = new ArrayList<>();
            do {
                values.add(setValue());
            } while (acceptPunct(','));
            return new SetStmt(SetKind.VALUE, name, values, local, loc);
        }
        if (acceptKeyword("from")) {
            expectKeyword("current");
            return new SetStmt(SetKind.CURRENT, name, List.of(), local, loc);
        }
        throw syntaxError();
    }

    private Stmt setTimeZone(boolean local, int loc) {
        if (acceptKeyword("default") || acceptKeyword("local")) {
            return new SetStmt(SetKind.DEFAULT, "timezone", List.of(), local, loc);
        }
        if (acceptKeyword("interval")) {
            Const v = setValue();
            return new SetStmt(SetKind.VALUE, "timezone", List.of(new Const(ConstKind.STRING, v.value(), v.loc())), local, loc);
        }
        return new SetStmt(SetKind.VALUE, "timezone", List.of(setValue()), local, loc);
    }

    /** var_value: a string, a signed number, an identifier or a keyword (ON, TRUE …). */
    private Const setValue() {
        Token t = peek();
        int loc = t.start();
        String sign = "";
        if (t.isOp("-") || t.isOp("+")) {
            sign = t.value().equals("-") ? "-" : "";
            p++;
            t = peek();
            if (t.kind() != TokenKind.ICONST && t.kind() != TokenKind.FCONST) throw syntaxError();
        }
        switch (t.kind()) {
            case SCONST -> { p++; return new Const(ConstKind.STRING, t.value(), loc); }
            case ICONST -> { p++; return new Const(ConstKind.INTEGER, sign + t.value(), loc); }
            case FCONST -> { p++; return new Const(ConstKind.NUMERIC, sign + t.value(), loc); }
            case IDENT -> {
                if (t.keyword() == Keywords.Category.RESERVED && !t.value().equals("true") && !t.value().equals("false")
                        && !t.value().equals("on")) {
                    throw syntaxError();
                }
                p++;
                return new Const(ConstKind.STRING, t.value(), loc);
            }
            default -> throw syntaxError();
        }
    }

    private Stmt reset() {
        int loc = peek().start();
        if (acceptKeyword("all")) return new SetStmt(SetKind.RESET_ALL, "all", List.of(), false, loc);
        if (acceptKeyword("time")) {
            expectKeyword("zone");
            return new SetStmt(SetKind.RESET, "timezone", List.of(), false, loc);
        }
        if (atKeyword("session") && peek(1).isKeyword("authorization")) {
            p += 2;
            return new SetStmt(SetKind.RESET, "session_authorization", List.of(), false, loc);
        }
        if (acceptKeyword("transaction")) {
            expectKeyword("isolation");
            expectKeyword("level");
            return new SetStmt(SetKind.RESET, "transaction_isolation", List.of(), false, loc);
        }
        return new SetStmt(SetKind.RESET, varName(), List.of(), false, loc);
    }

    // ------------------------------------------------------------------ SELECT

    public SelectStmt selectStatement() {
        return selectWithSetOps();
    }

    /** select_clause [UNION|INTERSECT|EXCEPT ...] [ORDER BY] [LIMIT/OFFSET/FETCH] [FOR ...]. */
    private SelectStmt selectWithSetOps() {
        SelectStmt s = setOpTerm();
        while (atKeyword("union") || atKeyword("except")) {
            SetOp op = atKeyword("union") ? SetOp.UNION : SetOp.EXCEPT;
            int loc = advance().start();
            boolean all = acceptKeyword("all");
            if (!all) acceptKeyword("distinct");
            SelectStmt right = setOpTerm();
            s = new SelectStmt(false, List.of(), List.of(), null, List.of(), null, List.of(), null, null, null,
                    op, all, s, right, loc);
        }
        List<SortBy> orderBy = List.of();
        Expr limit = null;
        Expr offset = null;
        if (acceptKeyword("order")) {
            expectKeyword("by");
            orderBy = sortList();
        }
        for (;;) {
            if (limit == null && acceptKeyword("limit")) {
                if (acceptKeyword("all")) {
                    limit = new Const(ConstKind.NULL, null, tokens.get(p - 1).start());
                } else {
                    limit = expr();
                }
                if (atPunct(',')) {
                    throw PgException.error(SqlState.SYNTAX_ERROR, "LIMIT #,# syntax is not supported")
                            .withHint("Use separate LIMIT and OFFSET clauses.")
                            .withPosition(Lexer.position(sql, limit.loc()));
                }
            } else if (offset == null && acceptKeyword("offset")) {
                offset = expr();
                if (!acceptKeyword("row")) acceptKeyword("rows");
            } else if (limit == null && acceptKeyword("fetch")) {
                if (!acceptKeyword("first")) expectKeyword("next");
                if (atKeyword("row") || atKeyword("rows")) {
                    limit = new Const(ConstKind.INTEGER, "1", peek().start());
                } else {
                    limit = primaryWithPostfix();
                }
                if (!acceptKeyword("row")) expectKeyword("rows");
                expectKeyword("only");
            } else {
                break;
            }
        }
        if (atKeyword("for")) {
            return unsupportedLocking();
        }
        if (orderBy.isEmpty() && limit == null && offset == null) return s;
        if (s.op() == SetOp.NONE && s.orderBy().isEmpty() && s.limit() == null && s.offset() == null) {
            return new SelectStmt(s.distinct(), s.targets(), s.from(), s.where(), s.groupBy(), s.having(), orderBy,
                    limit, offset, s.values(), s.op(), s.all(), s.left(), s.right(), s.loc());
        }
        return new SelectStmt(false, List.of(), List.of(), null, List.of(), null, orderBy, limit, offset, null,
                SetOp.UNION, true, s, null, s.loc());
    }

    private SelectStmt unsupportedLocking() {
        throw PgException.error(SqlState.FEATURE_NOT_SUPPORTED, "SELECT FOR UPDATE/SHARE is not supported yet")
                .withPosition(Lexer.position(sql, peek().start()));
    }

    private SelectStmt setOpTerm() {
        SelectStmt s = simpleSelect();
        while (atKeyword("intersect")) {
            int loc = advance().start();
            boolean all = acceptKeyword("all");
            if (!all) acceptKeyword("distinct");
            SelectStmt right = simpleSelect();
            s = new SelectStmt(false, List.of(), List.of(), null, List.of(), null, List.of(), null, null, null,
                    SetOp.INTERSECT, all, s, right, loc);
        }
        return s;
    }

    private SelectStmt simpleSelect() {
        int loc = peek().start();
        if (acceptPunct('(')) {
            SelectStmt inner = selectWithSetOps();
            expectPunct(')');
            return inner;
        }
        if (acceptKeyword("values")) {
            List<List<Expr>> rows = new ArrayList<>();
            do {
                expectPunct('(');
                List<Expr> row = new ArrayList<>();
                do {
                    row.add(atKeyword("default") ? defaultValue() : expr());
                } while (acceptPunct(','));
                expectPunct(')');
                rows.add(row);
            } while (acceptPunct(','));
            return new SelectStmt(false, List.of(), List.of(), null, List.of(), null, List.of(), null, null, rows,
                    SetOp.NONE, false, null, null, loc);
        }
        if (acceptKeyword("table")) {
            RangeVar rv = qualifiedName();
            return new SelectStmt(false, List.of(new ResTarget(new ColumnRef(List.of(), true, rv.loc()), null, rv.loc())),
                    List.of(rv), null, List.of(), null, List.of(), null, null, null, SetOp.NONE, false, null, null, loc);
        }
        expectKeyword("select");
        boolean distinct = false;
        if (acceptKeyword("distinct")) {
            distinct = true;
            if (atKeyword("on")) {
                throw PgException.error(SqlState.FEATURE_NOT_SUPPORTED, "SELECT DISTINCT ON is not supported yet")
                        .withPosition(Lexer.position(sql, peek().start()));
            }
        } else {
            acceptKeyword("all");
        }
        List<ResTarget> targets = targetList();
        if (atKeyword("into")) {
            throw PgException.error(SqlState.FEATURE_NOT_SUPPORTED, "SELECT INTO is not supported yet")
                    .withPosition(Lexer.position(sql, peek().start()));
        }
        List<FromItem> from = List.of();
        if (acceptKeyword("from")) from = fromList();
        Expr where = null;
        if (acceptKeyword("where")) where = expr();
        List<Expr> groupBy = List.of();
        if (acceptKeyword("group")) {
            expectKeyword("by");
            acceptKeyword("all");
            groupBy = new ArrayList<>();
            do {
                groupBy.add(expr());
            } while (acceptPunct(','));
        }
        Expr having = null;
        if (acceptKeyword("having")) having = expr();
        return new SelectStmt(distinct, targets, from, where, groupBy, having, List.of(), null, null, null,
                SetOp.NONE, false, null, null, loc);
    }

    private Expr defaultValue() {
        Token t = advance();
        throw PgException.error(SqlState.FEATURE_NOT_SUPPORTED, "DEFAULT is not allowed in this context")
                .withPosition(Lexer.position(sql, t.start()));
    }

    private List<ResTarget> targetList() {
        List<ResTarget> out = new ArrayList<>();
        if (atStatementEnd() || atKeyword("from") || atPunct(')') || atKeyword("where") || atKeyword("union")
                || atKeyword("group") || atKeyword("order") || atKeyword("limit") || atKeyword("having")) {
            return out;
        }
        do {
            int loc = peek().start();
            if (atOp("*")) {
                p++;
                out.add(new ResTarget(new ColumnRef(List.of(), true, loc), null, loc));
                continue;
            }
            Expr e = expr();
            String alias = null;
            if (acceptKeyword("as")) {
                alias = colLabel();
            } else if (peek().kind() == TokenKind.IDENT
                    && (peek().keyword() == null || !NOT_BARE_LABEL.contains(peek().value()))
                    && peek().keyword() != Keywords.Category.RESERVED) {
                alias = advance().value();
            }
            out.add(new ResTarget(e, alias, loc));
        } while (acceptPunct(','));
        return out;
    }

    private List<SortBy> sortList() {
        List<SortBy> out = new ArrayList<>();
        do {
            int loc = peek().start();
            Expr e = expr();
            boolean desc = false;
            if (acceptKeyword("desc")) desc = true;
            else if (!acceptKeyword("asc") && acceptKeyword("using")) {
                Token op = advance();
                if (op.isOp(">")) desc = true;
                else if (!op.isOp("<")) throw syntaxErrorAt(op);
            }
            Boolean nullsFirst = null;
            if (acceptKeyword("nulls")) {
                if (acceptKeyword("first")) nullsFirst = true;
                else {
                    expectKeyword("last");
                    nullsFirst = false;
                }
            }
            out.add(new SortBy(e, desc, nullsFirst, loc));
        } while (acceptPunct(','));
        return out;
    }

    private List<FromItem> fromList() {
        List<FromItem> out = new ArrayList<>();
        do {
            out.add(joinedItem());
        } while (acceptPunct(','));
        return out;
    }

    private FromItem joinedItem() {
        FromItem left = fromItem();
        for (;;) {
            int loc = peek().start();
            boolean natural = acceptKeyword("natural");
            JoinKind kind;
            if (acceptKeyword("cross")) {
                if (natural) throw syntaxError();
                expectKeyword("join");
                FromItem right = fromItem();
                left = new JoinExpr(JoinKind.CROSS, left, right, null, null, false, loc);
                continue;
            } else if (acceptKeyword("join")) {
                kind = JoinKind.INNER;
            } else if (acceptKeyword("inner")) {
                expectKeyword("join");
                kind = JoinKind.INNER;
            } else if (atKeyword("left") || atKeyword("right") || atKeyword("full")) {
                String w = advance().value();
                acceptKeyword("outer");
                expectKeyword("join");
                kind = w.equals("left") ? JoinKind.LEFT : w.equals("right") ? JoinKind.RIGHT : JoinKind.FULL;
            } else {
                if (natural) throw syntaxError();
                return left;
            }
            FromItem right = fromItem();
            Expr on = null;
            List<String> using = null;
            if (!natural) {
                if (acceptKeyword("on")) {
                    on = expr();
                } else if (acceptKeyword("using")) {
                    expectPunct('(');
                    using = new ArrayList<>();
                    do {
                        using.add(colId());
                    } while (acceptPunct(','));
                    expectPunct(')');
                } else {
                    throw syntaxError();
                }
            }
            left = new JoinExpr(kind, left, right, on, using, natural, loc);
        }
    }

    private FromItem fromItem() {
        int loc = peek().start();
        acceptKeyword("lateral");
        if (acceptPunct('(')) {
            if (isSelectStart(peek()) || atPunct('(')) {
                SelectStmt sub = selectWithSetOps();
                expectPunct(')');
                Alias alias = optAlias();
                if (alias == null) {
                    throw PgException.error(SqlState.SYNTAX_ERROR, "subquery in FROM must have an alias")
                            .withHint("For example, FROM (SELECT ...) [AS] foo.")
                            .withPosition(Lexer.position(sql, loc));
                }
                return new RangeSubselect(sub, alias, loc);
            }
            FromItem inner = joinedItem();
            expectPunct(')');
            return inner;
        }
        acceptKeyword("only");
        Token t = peek();
        if (!t.isColId() && !t.isTypeFunctionName()) throw syntaxError();
        if (peek(1).isPunct('(') || (peek(1).isPunct('.') && peek(3).isPunct('('))) {
            Expr call = primaryWithPostfix();
            if (!(call instanceof FuncCall fc)) throw syntaxErrorAt(t);
            boolean ordinality = false;
            if (acceptKeyword("with")) {
                expectKeyword("ordinality");
                ordinality = true;
            }
            return new RangeFunction(fc, ordinality, optAlias(), loc);
        }
        RangeVar rv = qualifiedName();
        Alias alias = optAlias();
        return new RangeVar(rv.schema(), rv.name(), alias, rv.loc());
    }

    private Alias optAlias() {
        String name;
        if (acceptKeyword("as")) {
            name = colId();
        } else if (peek().isColId() && !NOT_BARE_LABEL.contains(peek().value())) {
            name = colId();
        } else {
            return null;
        }
        List<String> cols = List.of();
        if (acceptPunct('(')) {
            cols = new ArrayList<>();
            do {
                cols.add(colId());
            } while (acceptPunct(','));
            expectPunct(')');
        }
        return new Alias(name, cols);
    }

    // ------------------------------------------------------------------ expressions

    public Expr expr() { return orExpr(); }

    private Expr orExpr() {
        Expr left = andExpr();
        while (atKeyword("or")) {
            int loc = advance().start();
            Expr right = andExpr();
            left = new BoolExpr(BoolKind.OR, List.of(left, right), loc);
        }
        return left;
    }

    private Expr andExpr() {
        Expr left = notExpr();
        while (atKeyword("and")) {
            int loc = advance().start();
            Expr right = notExpr();
            left = new BoolExpr(BoolKind.AND, List.of(left, right), loc);
        }
        return left;
    }

    private Expr notExpr() {
        if (atKeyword("not")) {
            int loc = advance().start();
            return new BoolExpr(BoolKind.NOT, List.of(notExpr()), loc);
        }
        return isExpr();
    }

    private Expr isExpr() {
        Expr e = comparison();
        for (;;) {
            if (atKeyword("is")) {
                int loc = advance().start();
                boolean not = acceptKeyword("not");
                if (acceptKeyword("null")) e = new NullTest(e, not, loc);
                else if (acceptKeyword("true")) e = new BooleanTest(e, BoolTestKind.TRUE, not, loc);
                else if (acceptKeyword("false")) e = new BooleanTest(e, BoolTestKind.FALSE, not, loc);
                else if (acceptKeyword("unknown")) e = new BooleanTest(e, BoolTestKind.UNKNOWN, not, loc);
                else if (acceptKeyword("distinct")) {
                    expectKeyword("from");
                    e = new DistinctExpr(e, comparison(), not, loc);
                } else throw syntaxError();
            } else if (atKeyword("isnull")) {
                e = new NullTest(e, false, advance().start());
            } else if (atKeyword("notnull")) {
                e = new NullTest(e, true, advance().start());
            } else {
                return e;
            }
        }
    }

    private static boolean isComparison(Token t) {
        return t.kind() == TokenKind.OP && switch (t.value()) {
            case "<", ">", "=", "<=", ">=", "<>" -> true;
            default -> false;
        };
    }

    private Expr comparison() {
        Expr left = predicate();
        if (isComparison(peek())) {
            Token op = advance();
            Expr right = predicate();
            left = new BinaryOp(op.value(), left, right, op.start());
            if (isComparison(peek())) throw syntaxError();
        }
        return left;
    }

    private Expr predicate() {
        Expr e = otherOp();
        for (;;) {
            int save = p;
            boolean not = false;
            if (atKeyword("not") && (peek(1).isKeyword("between") || peek(1).isKeyword("in")
                    || peek(1).isKeyword("like") || peek(1).isKeyword("ilike") || peek(1).isKeyword("similar"))) {
                p++;
                not = true;
            }
            int loc = peek().start();
            if (acceptKeyword("between")) {
                boolean symmetric = acceptKeyword("symmetric");
                if (!symmetric) acceptKeyword("asymmetric");
                Expr low = otherOp();
                expectKeyword("and");
                Expr high = otherOp();
                e = new Between(e, low, high, not, symmetric, loc);
            } else if (acceptKeyword("in")) {
                expectPunct('(');
                if (isSelectStart(peek())) {
                    SelectStmt sub = selectWithSetOps();
                    expectPunct(')');
                    e = new SubLink(SubLinkKind.IN, e, not, sub, loc);
                } else {
                    List<Expr> list = new ArrayList<>();
                    do {
                        list.add(expr());
                    } while (acceptPunct(','));
                    expectPunct(')');
                    e = new InList(e, list, not, loc);
                }
            } else if (atKeyword("like") || atKeyword("ilike")) {
                boolean ci = advance().value().equals("ilike");
                Expr pattern = otherOp();
                Expr escape = null;
                if (acceptKeyword("escape")) escape = otherOp();
                e = new Like(e, pattern, escape, not, ci, loc);
            } else if (acceptKeyword("similar")) {
                throw PgException.error(SqlState.FEATURE_NOT_SUPPORTED, "SIMILAR TO is not supported yet")
                        .withPosition(Lexer.position(sql, loc));
            } else {
                p = save;
                return e;
            }
        }
    }

    /** Operators other than the arithmetic and comparison ones (Op), e.g. ||, ~, !~~. */
    private static boolean isGenericOp(Token t) {
        return t.kind() == TokenKind.OP && switch (t.value()) {
            case "<", ">", "=", "<=", ">=", "<>", "+", "-", "*", "/", "%", "^" -> false;
            default -> true;
        };
    }

    private Expr otherOp() {
        Expr left;
        if (isGenericOp(peek())) {
            Token op = advance();
            left = new UnaryOp(op.value(), otherOp(), op.start());
        } else {
            left = additive();
        }
        while (isGenericOp(peek())) {
            Token op = advance();
            Expr right = additive();
            left = new BinaryOp(op.value(), left, right, op.start());
        }
        return left;
    }

    private Expr additive() {
        Expr left = multiplicative();
        while (atOp("+") || atOp("-")) {
            Token op = advance();
            Expr right = multiplicative();
            left = new BinaryOp(op.value(), left, right, op.start());
        }
        return left;
    }

    private Expr multiplicative() {
        Expr left = power();
        while (atOp("*") || atOp("/") || atOp("%")) {
            Token op = advance();
            Expr right = power();
            left = new BinaryOp(op.value(), left, right, op.start());
        }
        return left;
    }

    private Expr power() {
        Expr left = atTimeZone();
        while (atOp("^")) {
            Token op = advance();
            Expr right = atTimeZone();
            left = new BinaryOp("^", left, right, op.start());
        }
        return left;
    }

    private Expr atTimeZone() {
        Expr e = unary();
        while (atKeyword("at") && peek(1).isKeyword("time")) {
            int loc = advance().start();
            p++;
            expectKeyword("zone");
            e = new AtTimeZone(e, unary(), loc);
        }
        return e;
    }

    private Expr unary() {
        if (atOp("-") || atOp("+")) {
            Token op = advance();
            Expr arg = unary();
            if (op.value().equals("-") && arg instanceof Const c
                    && (c.kind() == ConstKind.INTEGER || c.kind() == ConstKind.NUMERIC) && !c.value().startsWith("-")) {
                // the grammar folds "- constant" into a negative constant (doNegate)
                return new Const(c.kind(), "-" + c.value(), op.start());
            }
            return new UnaryOp(op.value(), arg, op.start());
        }
        return primaryWithPostfix();
    }

    private Expr primaryWithPostfix() {
        Expr e = primary();
        for (;;) {
            if (peek().kind() == TokenKind.TYPECAST) {
                int loc = advance().start();
                e = new TypeCast(e, typeName(), loc);
            } else if (atPunct('[')) {
                throw PgException.error(SqlState.FEATURE_NOT_SUPPORTED, "array subscripts are not supported yet")
                        .withPosition(Lexer.position(sql, peek().start()));
            } else {
                return e;
            }
        }
    }

    private Expr primary() {
        Token t = peek();
        int loc = t.start();
        switch (t.kind()) {
            case ICONST -> { p++; return new Const(ConstKind.INTEGER, t.value(), loc); }
            case FCONST -> {
                p++;
                return new Const(ConstKind.NUMERIC, t.value(), loc);
            }
            case SCONST -> { p++; return new Const(ConstKind.STRING, t.value(), loc); }
            case BCONST -> { p++; return new Const(ConstKind.BITSTRING, t.value(), loc); }
            case XCONST -> { p++; return new Const(ConstKind.HEXSTRING, t.value(), loc); }
            case PARAM -> {
                p++;
                int n;
                try {
                    n = Integer.parseInt(t.value());
                } catch (NumberFormatException e) {
                    n = Integer.MAX_VALUE;
                }
                return new ParamRef(n, loc);
            }
            case PUNCT -> {
                if (t.isPunct('(')) {
                    p++;
                    if (isSelectStart(peek())) {
                        SelectStmt sub = selectWithSetOps();
                        expectPunct(')');
                        return new SubLink(SubLinkKind.EXPR, null, false, sub, loc);
                    }
                    Expr inner = expr();
                    if (atPunct(',')) {
                        throw PgException.error(SqlState.FEATURE_NOT_SUPPORTED, "row constructors are not supported yet")
                                .withPosition(Lexer.position(sql, loc));
                    }
                    expectPunct(')');
                    return inner;
                }
                throw syntaxError();
            }
            case IDENT -> { return identifierExpr(t); }
            default -> throw syntaxError();
        }
    }

    private Expr identifierExpr(Token t) {
        int loc = t.start();
        if (t.keyword() != null) {
            switch (t.value()) {
                case "true" -> { p++; return new Const(ConstKind.BOOLEAN, "t", loc); }
                case "false" -> { p++; return new Const(ConstKind.BOOLEAN, "f", loc); }
                case "null" -> { p++; return new Const(ConstKind.NULL, null, loc); }
                case "case" -> { return caseExpr(); }
                case "cast" -> {
                    p++;
                    expectPunct('(');
                    Expr arg = expr();
                    expectKeyword("as");
                    TypeName type = typeName();
                    expectPunct(')');
                    return new TypeCast(arg, type, loc);
                }
                case "coalesce", "greatest", "least", "nullif" -> {
                    p++;
                    expectPunct('(');
                    List<Expr> args = new ArrayList<>();
                    do {
                        args.add(expr());
                    } while (acceptPunct(','));
                    expectPunct(')');
                    SpecialKind kind = SpecialKind.valueOf(t.value().toUpperCase(java.util.Locale.ROOT));
                    if (kind == SpecialKind.NULLIF && args.size() != 2) throw syntaxErrorAt(tokens.get(p - 1));
                    return new SpecialFunc(kind, args, loc);
                }
                case "exists" -> {
                    p++;
                    expectPunct('(');
                    SelectStmt sub = selectWithSetOps();
                    expectPunct(')');
                    return new SubLink(SubLinkKind.EXISTS, null, false, sub, loc);
                }
                case "array" -> {
                    p++;
                    if (acceptPunct('(')) {
                        SelectStmt sub = selectWithSetOps();
                        expectPunct(')');
                        return new SubLink(SubLinkKind.ARRAY, null, false, sub, loc);
                    }
                    expectPunct('[');
                    List<Expr> elems = new ArrayList<>();
                    if (!atPunct(']')) {
                        do {
                            elems.add(expr());
                        } while (acceptPunct(','));
                    }
                    expectPunct(']');
                    return new ArrayExpr(elems, loc);
                }
                case "current_date", "current_time", "current_timestamp", "localtime", "localtimestamp",
                     "current_role", "current_user", "session_user", "user", "current_catalog" -> {
                    p++;
                    if (atPunct('(') && (t.value().startsWith("current_t") || t.value().startsWith("local"))) {
                        p++;
                        if (peek().kind() != TokenKind.ICONST) throw syntaxError();
                        p++;
                        expectPunct(')');
                    }
                    return new SqlValueFunc(t.value(), loc);
                }
                case "current_schema" -> {
                    p++;
                    if (acceptPunct('(')) expectPunct(')');
                    return new FuncCall(List.of("current_schema"), List.of(), false, false, List.of(), loc);
                }
                case "substring" -> {
                    if (peek(1).isPunct('(')) return substringExpr();
                }
                case "position" -> {
                    if (peek(1).isPunct('(')) return positionExpr();
                }
                case "trim" -> {
                    if (peek(1).isPunct('(')) return trimExpr();
                }
                case "extract" -> {
                    if (peek(1).isPunct('(')) return extractExpr();
                }
                case "interval" -> {
                    p++;
                    if (acceptPunct('(')) {
                        if (peek().kind() != TokenKind.ICONST) throw syntaxError();
                        p++;
                        expectPunct(')');
                    }
                    Token s = peek();
                    if (s.kind() != TokenKind.SCONST) throw syntaxError();
                    p++;
                    intervalFields();
                    return new TypeCast(new Const(ConstKind.STRING, s.value(), s.start()),
                            new TypeName("interval", List.of(), false, loc), loc);
                }
                default -> { }
            }
        }
        // a type name followed by a string is a typed literal (ConstTypename Sconst / func_name Sconst)
        int save = p;
        if (t.keyword() == null || t.keyword() != Keywords.Category.RESERVED) {
            TypeName typed = tryTypeNameBeforeString();
            if (typed != null) {
                Token s = advance();
                return new TypeCast(new Const(ConstKind.STRING, s.value(), s.start()), typed, loc);
            }
            p = save;
        }
        if (t.keyword() == Keywords.Category.RESERVED) throw syntaxError();
        // column reference or function call
        List<String> names = new ArrayList<>();
        names.add(advance().value());
        while (atPunct('.')) {
            p++;
            if (atOp("*")) {
                p++;
                return new ColumnRef(names, true, loc);
            }
            names.add(colLabel());
        }
        if (atPunct('(')) {
            if (names.size() == 1 && t.keyword() == Keywords.Category.COL_NAME) throw syntaxError();
            return functionCall(names, loc);
        }
        if (t.keyword() == Keywords.Category.TYPE_FUNC_NAME && names.size() == 1) throw syntaxErrorAt(t);
        return new ColumnRef(names, false, loc);
    }

    private void intervalFields() {
        for (String f : new String[] {"year", "month", "day", "hour", "minute", "second"}) {
            if (acceptKeyword(f)) {
                if (acceptKeyword("to")) {
                    if (!(acceptKeyword("month") || acceptKeyword("hour") || acceptKeyword("minute")
                            || acceptKeyword("second"))) {
                        throw syntaxError();
                    }
                }
                if (acceptPunct('(')) {
                    advance();
                    expectPunct(')');
                }
                return;
            }
        }
    }

    /** If the tokens at p are a type name immediately followed by a string literal, consume the name. */
    private TypeName tryTypeNameBeforeString() {
        int save = p;
        try {
            Token t = peek();
            if (t.keyword() != null && t.keyword() == Keywords.Category.RESERVED) return null;
            TypeName tn = typeName();
            if (peek().kind() == TokenKind.SCONST) return tn;
        } catch (PgException e) {
            // not a type name
        }
        p = save;
        return null;
    }

    private Expr functionCall(List<String> names, int loc) {
        expectPunct('(');
        if (atOp("*")) {
            p++;
            expectPunct(')');
            return new FuncCall(names, List.of(), true, false, List.of(), loc);
        }
        boolean distinct = false;
        if (acceptKeyword("distinct")) distinct = true;
        else acceptKeyword("all");
        List<Expr> args = new ArrayList<>();
        List<SortBy> orderBy = List.of();
        if (!atPunct(')')) {
            do {
                if (peek().kind() == TokenKind.IDENT && peek(1).kind() == TokenKind.EQUALS_GREATER) {
                    throw PgException.error(SqlState.FEATURE_NOT_SUPPORTED, "named arguments are not supported yet")
                            .withPosition(Lexer.position(sql, peek().start()));
                }
                if (atKeyword("variadic")) throw syntaxError();
                args.add(expr());
            } while (acceptPunct(','));
            if (acceptKeyword("order")) {
                expectKeyword("by");
                orderBy = sortList();
            }
        }
        expectPunct(')');
        if (atKeyword("filter") || atKeyword("over") || atKeyword("within")) {
            throw PgException.error(SqlState.FEATURE_NOT_SUPPORTED, "%s is not supported yet",
                    peek().value().toUpperCase(java.util.Locale.ROOT)).withPosition(Lexer.position(sql, peek().start()));
        }
        return new FuncCall(names, args, false, distinct, orderBy, loc);
    }

    private Expr substringExpr() {
        int loc = advance().start();
        expectPunct('(');
        Expr s = expr();
        List<Expr> args = new ArrayList<>();
        args.add(s);
        if (acceptKeyword("from")) {
            args.add(expr());
            if (acceptKeyword("for")) args.add(expr());
        } else if (acceptKeyword("for")) {
            args.add(new Const(ConstKind.INTEGER, "1", loc));
            args.add(expr());
        } else {
            while (acceptPunct(',')) args.add(expr());
        }
        expectPunct(')');
        return new FuncCall(List.of("substring"), args, false, false, List.of(), loc);
    }

    private Expr positionExpr() {
        int loc = advance().start();
        expectPunct('(');
        Expr needle = otherOp();
        expectKeyword("in");
        Expr hay = otherOp();
        expectPunct(')');
        return new FuncCall(List.of("position"), List.of(hay, needle), false, false, List.of(), loc);
    }

    private Expr trimExpr() {
        int loc = advance().start();
        expectPunct('(');
        String fn = "btrim";
        if (acceptKeyword("both")) fn = "btrim";
        else if (acceptKeyword("leading")) fn = "ltrim";
        else if (acceptKeyword("trailing")) fn = "rtrim";
        List<Expr> args = new ArrayList<>();
        if (acceptKeyword("from")) {
            args.add(expr());
        } else {
            Expr first = expr();
            if (acceptKeyword("from")) {
                args.add(expr());
                args.add(first);
            } else {
                args.add(first);
                while (acceptPunct(',')) args.add(expr());
            }
        }
        expectPunct(')');
        return new FuncCall(List.of(fn), args, false, false, List.of(), loc);
    }

    private Expr extractExpr() {
        int loc = advance().start();
        expectPunct('(');
        Token f = advance();
        String field;
        if (f.kind() == TokenKind.IDENT) field = f.value();
        else if (f.kind() == TokenKind.SCONST) field = f.value();
        else throw syntaxErrorAt(f);
        expectKeyword("from");
        Expr src = expr();
        expectPunct(')');
        return new FuncCall(List.of("extract"), List.of(new Const(ConstKind.STRING, field, f.start()), src), false,
                false, List.of(), loc);
    }

    private Expr caseExpr() {
        int loc = advance().start();
        Expr arg = null;
        if (!atKeyword("when")) arg = expr();
        List<When> whens = new ArrayList<>();
        while (acceptKeyword("when")) {
            Expr cond = expr();
            expectKeyword("then");
            whens.add(new When(cond, expr()));
        }
        if (whens.isEmpty()) throw syntaxError();
        Expr elseResult = null;
        if (acceptKeyword("else")) elseResult = expr();
        expectKeyword("end");
        return new CaseExpr(arg, whens, elseResult, loc);
    }

    /** Typename, with the grammar's normalisation of SQL spellings to internal type names. */
    public TypeName typeName() {
        int loc = peek().start();
        acceptKeyword("setof");
        String name;
        List<Integer> mods = new ArrayList<>();
        Token t = peek();
        if (t.kind() != TokenKind.IDENT) throw syntaxError();
        switch (t.value()) {
            case "double" -> {
                p++;
                expectKeyword("precision");
                name = "float8";
            }
            case "character", "char", "nchar", "national" -> {
                p++;
                if (t.value().equals("national")) {
                    if (!acceptKeyword("character")) expectKeyword("char");
                }
                name = acceptKeyword("varying") ? "varchar" : "bpchar";
                mods = typmods();
            }
            case "varchar" -> { p++; name = "varchar"; mods = typmods(); }
            case "int", "integer" -> { p++; name = "int4"; }
            case "smallint" -> { p++; name = "int2"; }
            case "bigint" -> { p++; name = "int8"; }
            case "real" -> { p++; name = "float4"; }
            case "float" -> {
                p++;
                List<Integer> prec = typmods();
                name = !prec.isEmpty() && prec.get(0) <= 24 ? "float4" : "float8";
            }
            case "boolean" -> { p++; name = "bool"; }
            case "decimal", "dec", "numeric" -> { p++; name = "numeric"; mods = typmods(); }
            case "bit" -> {
                p++;
                name = acceptKeyword("varying") ? "varbit" : "bit";
                mods = typmods();
            }
            case "time", "timestamp" -> {
                p++;
                mods = typmods();
                boolean tz = false;
                if (acceptKeyword("with")) {
                    expectKeyword("time");
                    expectKeyword("zone");
                    tz = true;
                } else if (acceptKeyword("without")) {
                    expectKeyword("time");
                    expectKeyword("zone");
                }
                name = t.value().equals("time") ? (tz ? "timetz" : "time") : (tz ? "timestamptz" : "timestamp");
            }
            case "interval" -> {
                p++;
                intervalFields();
                mods = typmods();
                name = "interval";
            }
            default -> {
                if (!t.isTypeFunctionName()) throw syntaxError();
                p++;
                name = t.value();
                if (atPunct('.')) {
                    p++;
                    name = name + "." + colLabel();
                    if (name.startsWith("pg_catalog.")) name = name.substring("pg_catalog.".length());
                }
                mods = typmods();
            }
        }
        boolean array = false;
        while (atPunct('[')) {
            p++;
            if (peek().kind() == TokenKind.ICONST) p++;
            expectPunct(']');
            array = true;
        }
        if (acceptKeyword("array")) {
            array = true;
            if (acceptPunct('[')) {
                if (peek().kind() == TokenKind.ICONST) p++;
                expectPunct(']');
            }
        }
        return new TypeName(name, mods, array, loc);
    }

    private List<Integer> typmods() {
        List<Integer> mods = new ArrayList<>();
        if (acceptPunct('(')) {
            do {
                Token n = peek();
                if (n.kind() != TokenKind.ICONST) throw syntaxError();
                p++;
                mods.add(Integer.parseInt(n.value()));
            } while (acceptPunct(','));
            expectPunct(')');
        }
        return mods;
    }
}
