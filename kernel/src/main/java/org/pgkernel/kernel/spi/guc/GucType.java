package org.pgkernel.kernel.spi.guc;

/** pg_settings.vartype. */
public enum GucType {
    BOOL("bool"), INTEGER("integer"), REAL("real"), STRING("string"), ENUM("enum");

    private final String label;
    GucType(String label) { this.label = label; }
    public String label() { return label; }
}
