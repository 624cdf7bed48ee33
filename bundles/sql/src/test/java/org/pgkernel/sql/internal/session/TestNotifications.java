package org.pgkernel.sql.internal.session;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.pgkernel.kernel.api.Notifications;
import org.pgkernel.kernel.api.PgException;
import org.pgkernel.kernel.api.ServerProcess;
import org.pgkernel.kernel.api.SqlState;

/**
 * An in-test notification queue with the kernel's contract: an endless list, a read position
 * per listening pid, a signal (recorded in {@link #signalled}) to each listener of the
 * sender's database that has something to read, 54000 when {@link #full} is set.
 */
final class TestNotifications implements Notifications {
    private record Entry(int pid, int databaseOid, String channel, String payload) { }

    private record Listener(int databaseOid, int position) { }

    private final List<Entry> entries = new ArrayList<>();
    private final Map<Integer, Listener> listeners = new HashMap<>();
    final List<Integer> signalled = new ArrayList<>();
    boolean full;

    boolean isListener(int pid) { return listeners.containsKey(pid); }

    /** Takes (and clears) the signal sent to a pid, as takeUsr1() does. */
    boolean takeSignal(int pid) { return signalled.removeIf(p -> p == pid); }

    @Override
    public void listen(ServerProcess self, int databaseOid) {
        Listener l = listeners.get(self.pid());
        if (l == null || l.databaseOid() != databaseOid) listeners.put(self.pid(), new Listener(databaseOid, entries.size()));
    }

    @Override
    public void unlisten(ServerProcess self) { listeners.remove(self.pid()); }

    @Override
    public void send(ServerProcess self, int databaseOid, List<Notification> notifications) {
        if (full) throw PgException.error(SqlState.PROGRAM_LIMIT_EXCEEDED, "too many notifications in the NOTIFY queue");
        for (Notification n : notifications) entries.add(new Entry(self.pid(), databaseOid, n.channel(), n.payload()));
        listeners.forEach((pid, l) -> {
            if (l.databaseOid() == databaseOid && l.position() < entries.size() && !signalled.contains(pid)) signalled.add(pid);
        });
    }

    @Override
    public int read(ServerProcess self, Receiver receiver) {
        Listener l = listeners.get(self.pid());
        if (l == null) return 0;
        listeners.put(self.pid(), new Listener(l.databaseOid(), entries.size()));
        int n = 0;
        for (Entry e : entries.subList(l.position(), entries.size())) {
            if (e.databaseOid() != l.databaseOid()) continue;
            receiver.notification(e.pid(), e.channel(), e.payload());
            n++;
        }
        return n;
    }

    @Override
    public double usage() { return full ? 1.0 : 0.0; }
}
