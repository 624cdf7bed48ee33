package org.pgkernel.kernel.internal.guc;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.pgkernel.kernel.spi.guc.GucContext;
import org.pgkernel.kernel.spi.guc.GucDefinition;
import org.pgkernel.kernel.spi.guc.GucType;

/**
 * A setting as the registry keeps it: the SPI's {@link GucDefinition} plus what guc.c keeps in
 * a config_generic's flags (GUC_NO_SHOW_ALL, GUC_NO_RESET_ALL, GUC_DISALLOW_IN_FILE,
 * GUC_DISALLOW_IN_AUTO_FILE, GUC_SUPERUSER_ONLY), the numeric bounds and the enum's hidden
 * aliases ("debug" for debug2, "true" for on …). Immutable.
 */
final class Setting {

    enum Flag { REPORT, HIDDEN, NO_RESET_ALL, DISALLOW_IN_FILE, DISALLOW_IN_AUTO_FILE, SUPERUSER_ONLY, PLACEHOLDER }

    final GucDefinition def;
    final String name;
    final GucType type;
    final GucContext context;
    final String unit;
    final Set<Flag> flags;
    /** Accepted enum names, lower case, to the canonical name SHOW prints (visible values first). */
    final Map<String, String> enumNames;
    final long intMin;
    final long intMax;
    final double realMin;
    final double realMax;

    Setting(GucDefinition def, Set<Flag> flags, Map<String, String> hiddenEnumAliases) {
        this.def = def;
        this.name = def.name();
        this.type = def.type();
        this.context = def.context();
        this.unit = def.unit() == null || def.unit().isEmpty() ? null : def.unit();
        this.flags = flags.isEmpty() ? Set.of() : Collections.unmodifiableSet(java.util.EnumSet.copyOf(flags));
        Map<String, String> names = new LinkedHashMap<>();
        if (def.enumValues() != null) {
            for (String v : def.enumValues()) names.put(v.toLowerCase(Locale.ROOT), v);
        }
        hiddenEnumAliases.forEach((k, v) -> names.putIfAbsent(k.toLowerCase(Locale.ROOT), v));
        this.enumNames = Collections.unmodifiableMap(names);
        long imin = Long.MIN_VALUE, imax = Long.MAX_VALUE;
        double rmin = -Double.MAX_VALUE, rmax = Double.MAX_VALUE;
        if (type == GucType.INTEGER) {
            imin = def.min() == null ? Integer.MIN_VALUE : Long.parseLong(def.min());
            imax = def.max() == null ? Integer.MAX_VALUE : Long.parseLong(def.max());
        } else if (type == GucType.REAL) {
            rmin = def.min() == null ? -Double.MAX_VALUE : bound(def.min());
            rmax = def.max() == null ? Double.MAX_VALUE : bound(def.max());
        }
        this.intMin = imin;
        this.intMax = imax;
        this.realMin = rmin;
        this.realMax = rmax;
    }

    /** pg_settings prints DBL_MAX as 1.79769e+308, which parses to a little less than DBL_MAX. */
    private static double bound(String text) {
        double d = Double.parseDouble(text);
        if (d >= 1.79769e+308) return Double.MAX_VALUE;
        if (d <= -1.79769e+308) return -Double.MAX_VALUE;
        return d;
    }

    boolean has(Flag f) { return flags.contains(f); }

    /** A placeholder for an unknown "prefix.name" (a string settable by anyone, hidden from pg_settings). */
    static Setting placeholder(String name) {
        GucDefinition d = new GucDefinition(name, GucType.STRING, GucContext.USER, "Customized Options",
                "", null, "", null, null, List.of(), false, false, null);
        return new Setting(d, Set.of(Flag.HIDDEN, Flag.PLACEHOLDER), Map.of());
    }

    @Override
    public String toString() { return name; }
}
