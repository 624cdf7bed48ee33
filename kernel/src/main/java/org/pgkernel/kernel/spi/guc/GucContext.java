package org.pgkernel.kernel.spi.guc;

/** When a setting may change (pg_settings.context), cf. guc.h GucContext. */
public enum GucContext {
    INTERNAL("internal"), POSTMASTER("postmaster"), SIGHUP("sighup"),
    SUPERUSER_BACKEND("superuser-backend"), BACKEND("backend"), SUPERUSER("superuser"), USER("user");

    private final String label;
    GucContext(String label) { this.label = label; }
    /** pg_settings.context's text. */
    public String label() { return label; }
}
