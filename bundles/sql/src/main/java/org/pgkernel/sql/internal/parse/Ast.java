package org.pgkernel.sql.internal.parse;

import java.util.List;

/**
 * The raw parse tree (cf. parsenodes.h / primnodes.h), as the grammar produces it before
 * names and types are resolved. Every node that can be blamed in an error carries
 * {@code loc}, the char offset of its first token in the query string (-1 when none).
 */
public final class Ast {
    private Ast() { }

    // ---------------------------------------------------------------- expressions

    /** An expression node. */
    public sealed interface Expr permits ColumnRef, Const, ParamRef, BinaryOp, UnaryOp, BoolExpr, NullTest,
            BooleanTest, DistinctExpr, Between, InList, Like, TypeCast, FuncCall, CaseExpr, SpecialFunc,
            SqlValueFunc, ArrayExpr, SubLink, AtTimeZone {
        int loc();
    }

    /** a, t.a, t.* or * ({@code star} with the qualifying names before it). */
    public record ColumnRef(List<String> names, boolean star, int loc) implements Expr { }

    public enum ConstKind { INTEGER, NUMERIC, STRING, BOOLEAN, NULL, BITSTRING, HEXSTRING }

    /** A literal; {@code value} is the literal's text (numbers as written, strings processed). */
    public record Const(ConstKind kind, String value, int loc) implements Expr { }

    /** $n. */
    public record ParamRef(int number, int loc) implements Expr { }

    /** An infix operator other than AND/OR, e.g. "+", "||", "<>". */
    public record BinaryOp(String op, Expr left, Expr right, int loc) implements Expr { }

    /** A prefix operator, e.g. "-", "+", "~", "@". */
    public record UnaryOp(String op, Expr arg, int loc) implements Expr { }

    public enum BoolKind { AND, OR, NOT }

    public record BoolExpr(BoolKind kind, List<Expr> args, int loc) implements Expr { }

    /** x IS [NOT] NULL. */
    public record NullTest(Expr arg, boolean not, int loc) implements Expr { }

    public enum BoolTestKind { TRUE, FALSE, UNKNOWN }

    /** x IS [NOT] TRUE/FALSE/UNKNOWN. */
    public record BooleanTest(Expr arg, BoolTestKind kind, boolean not, int loc) implements Expr { }

    /** x IS [NOT] DISTINCT FROM y. */
    public record DistinctExpr(Expr left, Expr right, boolean not, int loc) implements Expr { }

    public record Between(Expr arg, Expr low, Expr high, boolean not, boolean symmetric, int loc) implements Expr { }

    public record InList(Expr arg, List<Expr> list, boolean not, int loc) implements Expr { }

    public record Like(Expr arg, Expr pattern, Expr escape, boolean not, boolean caseInsensitive, int loc)
            implements Expr { }

    /** A type name as written: {@code name} is normalised ("integer" to "int4" etc. by the grammar). */
    public record TypeName(String name, List<Integer> typmods, boolean array, int loc) { }

    /** x::type, CAST(x AS type), and typed literals type 'string'. */
    public record TypeCast(Expr arg, TypeName type, int loc) implements Expr { }

    /** name(args), name(*), name(DISTINCT args); {@code name} possibly schema-qualified. */
    public record FuncCall(List<String> name, List<Expr> args, boolean star, boolean distinct,
                           List<SortBy> orderBy, int loc) implements Expr { }

    public record When(Expr condition, Expr result) { }

    public record CaseExpr(Expr arg, List<When> whens, Expr elseResult, int loc) implements Expr { }

    public enum SpecialKind { COALESCE, GREATEST, LEAST, NULLIF }

    /** COALESCE, GREATEST, LEAST, NULLIF: not functions in PostgreSQL but expression nodes. */
    public record SpecialFunc(SpecialKind kind, List<Expr> args, int loc) implements Expr { }

    /** current_date, current_timestamp, current_user, … (SQLValueFunction); {@code name} as the column name. */
    public record SqlValueFunc(String name, int loc) implements Expr { }

    public record ArrayExpr(List<Expr> elements, int loc) implements Expr { }

    public enum SubLinkKind { EXISTS, EXPR, IN, ARRAY }

    /** A subquery in an expression. {@code test} is the left side of IN. */
    public record SubLink(SubLinkKind kind, Expr test, boolean not, SelectStmt subquery, int loc) implements Expr { }

    /** x AT TIME ZONE zone. */
    public record AtTimeZone(Expr arg, Expr zone, int loc) implements Expr { }

    // ---------------------------------------------------------------- SELECT pieces

    /** One target list item; expr is a ColumnRef with star for * and t.*. */
    public record ResTarget(Expr expr, String alias, int loc) { }

    public record SortBy(Expr expr, boolean descending, Boolean nullsFirst, int loc) { }

    public record Alias(String name, List<String> columnNames) { }

    /** A FROM-list item. */
    public sealed interface FromItem permits RangeVar, RangeFunction, RangeSubselect, JoinExpr { }

    public record RangeVar(String schema, String name, Alias alias, int loc) implements FromItem {
        public String qualifiedName() { return schema == null ? name : schema + "." + name; }
    }

    public record RangeFunction(FuncCall call, boolean withOrdinality, Alias alias, int loc) implements FromItem { }

    public record RangeSubselect(SelectStmt subquery, Alias alias, int loc) implements FromItem { }

    public enum JoinKind { INNER, LEFT, RIGHT, FULL, CROSS }

    public record JoinExpr(JoinKind kind, FromItem left, FromItem right, Expr on, List<String> using,
                           boolean natural, int loc) implements FromItem { }

    // ---------------------------------------------------------------- statements

    /** A statement, with where it starts and ends in the query string. */
    public sealed interface Stmt permits SelectStmt, ShowStmt, SetStmt, TransactionStmt, ListenStmt,
            UnlistenStmt, NotifyStmt, DmlStmt, UnsupportedStmt, CatalogStmt {
    }

    public enum SetOp { NONE, UNION, INTERSECT, EXCEPT }

    /**
     * SELECT and VALUES. A VALUES list has {@code values} set and nothing else; a set
     * operation has {@code op} with {@code left}/{@code right}.
     */
    public record SelectStmt(boolean distinct, List<ResTarget> targets, List<FromItem> from, Expr where,
                             List<Expr> groupBy, Expr having, List<SortBy> orderBy, Expr limit, Expr offset,
                             List<List<Expr>> values, SetOp op, boolean all, SelectStmt left, SelectStmt right,
                             int loc) implements Stmt { }

    /** SHOW name / SHOW ALL ({@code name} "all"). */
    public record ShowStmt(String name) implements Stmt { }

    public enum SetKind { VALUE, DEFAULT, RESET, RESET_ALL, CURRENT, TRANSACTION }

    /**
     * SET [LOCAL] name TO values / DEFAULT, RESET name / ALL. {@code values} are the
     * flattened argument texts with their kinds (for list quoting).
     */
    public record SetStmt(SetKind kind, String name, List<Const> values, boolean local, int loc) implements Stmt { }

    public enum TxKind { BEGIN, START, COMMIT, ROLLBACK, SAVEPOINT, RELEASE, ROLLBACK_TO, PREPARE, COMMIT_PREPARED,
        ROLLBACK_PREPARED }

    /** BEGIN/START TRANSACTION/COMMIT/END/ROLLBACK/ABORT; {@code chain} for AND CHAIN. */
    public record TransactionStmt(TxKind kind, boolean chain, String savepoint, List<String> options) implements Stmt { }

    public record ListenStmt(String channel) implements Stmt { }

    /** UNLISTEN channel; {@code channel} null for UNLISTEN *. */
    public record UnlistenStmt(String channel) implements Stmt { }

    public record NotifyStmt(String channel, String payload) implements Stmt { }

    /** INSERT/UPDATE/DELETE on a relation (parsed fully, run once tables exist). */
    public record DmlStmt(String command, RangeVar relation, SelectStmt source) implements Stmt { }

    /** A statement that parses but is not supported yet; {@code relation} is what it refers to, if anything. */
    public record UnsupportedStmt(String command, RangeVar relation, int loc) implements Stmt { }

    // ---------------------------------------------------------------- roles and databases

    public enum RoleSpecKind { NAME, CURRENT_ROLE, CURRENT_USER, SESSION_USER, PUBLIC }

    /** A role as a statement names it (RoleSpec): a name, PUBLIC, or CURRENT_ROLE/CURRENT_USER/SESSION_USER. */
    public record RoleSpec(RoleSpecKind kind, String name, int loc) {
        /** How an error names it: the name, or the keyword in lower case. */
        public String display() { return kind == RoleSpecKind.NAME ? name : kind.name().toLowerCase(java.util.Locale.ROOT); }
    }

    /**
     * One option of a role or database statement (DefElem), named as gram.y names it
     * ("password", "superuser", "canlogin", "isreplication", "connectionlimit", "validUntil",
     * "addroleto", "rolemembers", "adminmembers", "sysid", … for roles; the option's name for
     * CREATE DATABASE). {@code value}: a String, Integer, Boolean, List of RoleSpec, or null
     * (PASSWORD NULL, DEFAULT).
     */
    public record DefElem(String name, Object value, int loc) { }

    /** The statements that change the shared catalog (user.c, dbcommands.c). */
    public sealed interface CatalogStmt extends Stmt permits CreateRoleStmt, AlterRoleStmt, RenameRoleStmt,
            DropRoleStmt, GrantRoleStmt, CreateDbStmt, DropDbStmt {
    }

    public enum RoleStmtKind { ROLE, USER, GROUP }

    /** CREATE ROLE/USER/GROUP name [WITH] options. */
    public record CreateRoleStmt(RoleStmtKind kind, String name, List<DefElem> options) implements CatalogStmt { }

    /** ALTER ROLE/USER role [WITH] options; ALTER GROUP role ADD/DROP USER … ({@code action} +1 adds "rolemembers", -1 drops them). */
    public record AlterRoleStmt(RoleSpec role, List<DefElem> options, int action) implements CatalogStmt { }

    /** ALTER ROLE/USER/GROUP name RENAME TO newname. */
    public record RenameRoleStmt(String oldName, String newName, int loc) implements CatalogStmt { }

    /** DROP ROLE/USER/GROUP [IF EXISTS] roles. */
    public record DropRoleStmt(List<RoleSpec> roles, boolean missingOk) implements CatalogStmt { }

    /** GRANT roles TO grantees [WITH ADMIN OPTION] [GRANTED BY grantor]; REVOKE [ADMIN OPTION FOR] roles FROM grantees. */
    public record GrantRoleStmt(boolean grant, List<String> roles, List<RoleSpec> grantees, boolean adminOption,
                                RoleSpec grantor) implements CatalogStmt { }

    /** CREATE DATABASE name [WITH] options. */
    public record CreateDbStmt(String name, List<DefElem> options) implements CatalogStmt { }

    /** DROP DATABASE [IF EXISTS] name [[WITH] (FORCE)]. */
    public record DropDbStmt(String name, boolean missingOk, boolean force) implements CatalogStmt { }
}
