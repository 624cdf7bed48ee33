package org.pgkernel.sql.internal.types;

/**
 * The data types the engine knows, with PostgreSQL's OIDs (pg_type.dat), internal names
 * (typname, used for output column names of casts), SQL names (format_type(), used in
 * messages), typlen (RowDescription's type size) and type category/preferred flag, which
 * drive implicit-cast and operator resolution as in parse_func.c / parse_oper.c.
 *
 * <p>Java representation of values (null is SQL NULL): bool {@link Boolean}; int2
 * {@link Short}; int4 {@link Integer}; int8 {@link Long}; oid, xid {@link Long}; float4
 * {@link Float}; float8 {@link Double}; numeric {@link java.math.BigDecimal}; text, varchar,
 * name, unknown, inet {@link String}; bytea {@code byte[]}; date {@link java.time.LocalDate};
 * time {@link java.time.LocalTime}; timestamp {@link java.time.LocalDateTime}; timestamptz
 * {@link java.time.Instant}; interval {@link Interval}; arrays {@code Object[]}; void
 * {@link #VOID_VALUE}.
 */
public enum PgType {
    BOOL(16, "bool", "boolean", 1, 'B', true),
    BYTEA(17, "bytea", "bytea", -1, 'U', false),
    NAME(19, "name", "name", 64, 'S', false),
    INT8(20, "int8", "bigint", 8, 'N', false),
    INT2(21, "int2", "smallint", 2, 'N', false),
    INT4(23, "int4", "integer", 4, 'N', false),
    TEXT(25, "text", "text", -1, 'S', true),
    OID(26, "oid", "oid", 4, 'N', true),
    XID(28, "xid", "xid", 4, 'U', false),
    FLOAT4(700, "float4", "real", 4, 'N', false),
    FLOAT8(701, "float8", "double precision", 8, 'N', true),
    UNKNOWN(705, "unknown", "unknown", -2, 'X', false),
    INET(869, "inet", "inet", -1, 'I', true),
    VARCHAR(1043, "varchar", "character varying", -1, 'S', false),
    DATE(1082, "date", "date", 4, 'D', false),
    TIME(1083, "time", "time without time zone", 8, 'D', false),
    TIMESTAMP(1114, "timestamp", "timestamp without time zone", 8, 'D', false),
    TIMESTAMPTZ(1184, "timestamptz", "timestamp with time zone", 8, 'D', true),
    INTERVAL(1186, "interval", "interval", 16, 'T', true),
    NUMERIC(1700, "numeric", "numeric", -1, 'N', false),
    VOID(2278, "void", "void", 4, 'P', false),
    RECORD(2249, "record", "record", -1, 'P', false),
    BOOL_ARRAY(1000, "_bool", "boolean[]", -1, 'A', false),
    INT2_ARRAY(1005, "_int2", "smallint[]", -1, 'A', false),
    INT4_ARRAY(1007, "_int4", "integer[]", -1, 'A', false),
    TEXT_ARRAY(1009, "_text", "text[]", -1, 'A', false),
    INT8_ARRAY(1016, "_int8", "bigint[]", -1, 'A', false),
    FLOAT8_ARRAY(1022, "_float8", "double precision[]", -1, 'A', false),
    NUMERIC_ARRAY(1231, "_numeric", "numeric[]", -1, 'A', false);

    /** The value of a void-returning function: not NULL, prints as an empty string. */
    public static final Object VOID_VALUE = new Object() {
        @Override public String toString() { return ""; }
    };

    private final int oid;
    private final String typname;
    private final String sqlName;
    private final short typlen;
    private final char category;
    private final boolean preferred;

    PgType(int oid, String typname, String sqlName, int typlen, char category, boolean preferred) {
        this.oid = oid;
        this.typname = typname;
        this.sqlName = sqlName;
        this.typlen = (short) typlen;
        this.category = category;
        this.preferred = preferred;
    }

    public int oid() { return oid; }
    /** pg_type.typname, e.g. "int4"; names the output column of a cast. */
    public String typname() { return typname; }
    /** format_type()'s name, e.g. "integer"; used in messages. */
    public String sqlName() { return sqlName; }
    public short typlen() { return typlen; }
    /** pg_type.typcategory: B bool, N numeric, S string, D datetime, T timespan, A array, U user, X unknown, P pseudo, I network. */
    public char category() { return category; }
    public boolean preferred() { return preferred; }

    public boolean isArray() { return category == 'A'; }

    public boolean isStringLike() { return this == TEXT || this == VARCHAR || this == NAME || this == UNKNOWN; }

    /** The element type of an array type, null for a scalar. */
    public PgType elementType() {
        return switch (this) {
            case BOOL_ARRAY -> BOOL;
            case INT2_ARRAY -> INT2;
            case INT4_ARRAY -> INT4;
            case TEXT_ARRAY -> TEXT;
            case INT8_ARRAY -> INT8;
            case FLOAT8_ARRAY -> FLOAT8;
            case NUMERIC_ARRAY -> NUMERIC;
            default -> null;
        };
    }

    /** The array type over this element type, null when there is none here. */
    public PgType arrayType() {
        for (PgType t : values()) {
            if (t.elementType() == this) return t;
        }
        return this == VARCHAR || this == NAME || this == UNKNOWN ? TEXT_ARRAY : null;
    }

    public static PgType byOid(int oid) {
        for (PgType t : values()) {
            if (t.oid == oid) return t;
        }
        return null;
    }

    /**
     * Resolves a type name as the grammar and parse_type.c do: SQL spellings ("integer",
     * "double precision", "character varying", "timestamp with time zone") and typnames,
     * optionally qualified with pg_catalog. Null when unknown.
     */
    public static PgType byName(String name) {
        String n = name.startsWith("pg_catalog.") ? name.substring("pg_catalog.".length()) : name;
        return switch (n) {
            case "bool", "boolean" -> BOOL;
            case "bytea" -> BYTEA;
            case "name" -> NAME;
            case "int8", "bigint" -> INT8;
            case "int2", "smallint" -> INT2;
            case "int4", "int", "integer" -> INT4;
            case "text" -> TEXT;
            case "oid" -> OID;
            case "xid" -> XID;
            case "float4", "real" -> FLOAT4;
            case "float8", "double precision", "float" -> FLOAT8;
            case "unknown" -> UNKNOWN;
            case "inet" -> INET;
            case "varchar", "character varying", "char", "character", "bpchar" -> VARCHAR;
            case "date" -> DATE;
            case "time", "time without time zone" -> TIME;
            case "timestamp", "timestamp without time zone" -> TIMESTAMP;
            case "timestamptz", "timestamp with time zone" -> TIMESTAMPTZ;
            case "interval" -> INTERVAL;
            case "numeric", "decimal", "dec" -> NUMERIC;
            case "void" -> VOID;
            case "record" -> RECORD;
            case "_bool", "bool[]", "boolean[]" -> BOOL_ARRAY;
            case "_int2", "int2[]", "smallint[]" -> INT2_ARRAY;
            case "_int4", "int4[]", "int[]", "integer[]" -> INT4_ARRAY;
            case "_text", "text[]" -> TEXT_ARRAY;
            case "_int8", "int8[]", "bigint[]" -> INT8_ARRAY;
            case "_float8", "float8[]" -> FLOAT8_ARRAY;
            case "_numeric", "numeric[]" -> NUMERIC_ARRAY;
            default -> null;
        };
    }
}
