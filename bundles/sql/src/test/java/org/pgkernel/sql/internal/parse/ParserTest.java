package org.pgkernel.sql.internal.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.pgkernel.kernel.api.PgException;
import org.pgkernel.sql.internal.parse.Ast.*;

class ParserTest {
    private static String syntaxError(String sql) {
        PgException e = assertThrows(PgException.class, () -> Parser.parse(sql));
        assertEquals("42601", e.sqlState().code());
        return e.getMessage() + " @" + e.position();
    }

    @Test
    void reports_syntax_errors_at_the_first_bad_token() {
        assertEquals("syntax error at or near \"SELEC\" @1", syntaxError("SELEC 1;"));
        assertEquals("syntax error at or near \";\" @11", syntaxError("SELECT 1 +;"));
        assertEquals("syntax error at or near \";\" @14", syntaxError("SELECT * FROM;"));
        assertEquals("syntax error at or near \"(\" @14", syntaxError("CREATE TABLE (a int);"));
        assertEquals("syntax error at or near \"2\" @10", syntaxError("SELECT 1 2;"));
        assertEquals("syntax error at or near \",\" @25", syntaxError("INSERT INTO t VALUES (1,,2);"));
        assertEquals("syntax error at or near \";\" @10", syntaxError("SELECT (1;"));
        assertEquals("syntax error at end of input @10", syntaxError("SELECT (1"));
        assertEquals("syntax error at or near \"<\" @14", syntaxError("SELECT 1 < 2 < 3"));
        assertEquals("syntax error at or near \"day\" @10", syntaxError("SELECT 1 day"));
    }

    @Test
    void binds_operators_with_postgres_precedence() {
        SelectStmt s = (SelectStmt) Parser.parse("SELECT 1 + 2 * 3 = 7 AND NOT a IS NULL OR b").get(0);
        Expr e = s.targets().get(0).expr();
        BoolExpr or = assertInstanceOf(BoolExpr.class, e);
        assertEquals(BoolKind.OR, or.kind());
        BoolExpr and = assertInstanceOf(BoolExpr.class, or.args().get(0));
        BinaryOp eq = assertInstanceOf(BinaryOp.class, and.args().get(0));
        assertEquals("=", eq.op());
        BinaryOp plus = assertInstanceOf(BinaryOp.class, eq.left());
        assertEquals("+", plus.op());
        assertEquals("*", assertInstanceOf(BinaryOp.class, plus.right()).op());
        BoolExpr not = assertInstanceOf(BoolExpr.class, and.args().get(1));
        assertInstanceOf(NullTest.class, not.args().get(0));
    }

    @Test
    void parses_a_full_select() {
        SelectStmt s = (SelectStmt) Parser.parse("SELECT DISTINCT g AS x, count(*) FROM generate_series(1, 10) AS g(v), "
                + "pg_catalog.pg_settings WHERE g BETWEEN 2 AND 5 GROUP BY g HAVING count(*) > 0 "
                + "ORDER BY 1 DESC NULLS LAST LIMIT ALL OFFSET 1").get(0);
        assertEquals(true, s.distinct());
        assertEquals("x", s.targets().get(0).alias());
        RangeFunction f = assertInstanceOf(RangeFunction.class, s.from().get(0));
        assertEquals(List.of("v"), f.alias().columnNames());
        RangeVar v = assertInstanceOf(RangeVar.class, s.from().get(1));
        assertEquals("pg_catalog.pg_settings", v.qualifiedName());
        assertInstanceOf(Between.class, s.where());
        assertEquals(false, s.orderBy().get(0).nullsFirst());
        assertEquals(ConstKind.NULL, ((Const) s.limit()).kind());
    }

    @Test
    void normalises_type_names_as_the_grammar_does() {
        SelectStmt s = (SelectStmt) Parser.parse("SELECT 1::integer, CAST(x AS double precision), "
                + "timestamp with time zone '2020-01-01', 'a'::character varying(3)").get(0);
        assertEquals("int4", ((TypeCast) s.targets().get(0).expr()).type().name());
        assertEquals("float8", ((TypeCast) s.targets().get(1).expr()).type().name());
        assertEquals("timestamptz", ((TypeCast) s.targets().get(2).expr()).type().name());
        assertEquals(List.of(3), ((TypeCast) s.targets().get(3).expr()).type().typmods());
    }

    @Test
    void parses_utility_statements() {
        List<Stmt> st = Parser.parse("SET LOCAL work_mem TO '8MB'; SET search_path = public, \"$user\"; RESET ALL; "
                + "SHOW ALL; BEGIN ISOLATION LEVEL SERIALIZABLE; COMMIT AND CHAIN; ABORT; SET TIME ZONE 'UTC'; "
                + "LISTEN ch; UNLISTEN *; NOTIFY ch, 'p'");
        SetStmt set = (SetStmt) st.get(0);
        assertEquals(true, set.local());
        assertEquals("8MB", set.values().get(0).value());
        assertEquals(2, ((SetStmt) st.get(1)).values().size());
        assertEquals(SetKind.RESET_ALL, ((SetStmt) st.get(2)).kind());
        assertEquals("all", ((ShowStmt) st.get(3)).name());
        assertEquals(List.of("isolation level serializable"), ((TransactionStmt) st.get(4)).options());
        assertEquals(true, ((TransactionStmt) st.get(5)).chain());
        assertEquals(TxKind.ROLLBACK, ((TransactionStmt) st.get(6)).kind());
        assertEquals("timezone", ((SetStmt) st.get(7)).name());
        assertEquals(null, ((UnlistenStmt) st.get(9)).channel());
        assertEquals("p", ((NotifyStmt) st.get(10)).payload());
    }

    @Test
    void folds_negative_constants() {
        SelectStmt s = (SelectStmt) Parser.parse("SELECT -2147483648").get(0);
        assertEquals("-2147483648", ((Const) s.targets().get(0).expr()).value());
    }
}
