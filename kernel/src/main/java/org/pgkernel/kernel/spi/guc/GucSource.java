package org.pgkernel.kernel.spi.guc;

/** Where a value came from (pg_settings.source), in PostgreSQL's priority order, cf. GucSource. */
public enum GucSource {
    DEFAULT("default"), DYNAMIC_DEFAULT("default"), ENV_VAR("environment variable"),
    FILE("configuration file"), ARGV("command line"), GLOBAL("global"), DATABASE("database"),
    USER("user"), DATABASE_USER("database user"), CLIENT("client"), OVERRIDE("override"),
    INTERACTIVE("interactive"), TEST("test"), SESSION("session");

    private final String label;
    GucSource(String label) { this.label = label; }
    public String label() { return label; }
}
