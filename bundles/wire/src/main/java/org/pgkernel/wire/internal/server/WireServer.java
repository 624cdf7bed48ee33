package org.pgkernel.wire.internal.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.BindException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.spi.SelectorProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.pgkernel.kernel.api.ErrorSeverity;
import org.pgkernel.kernel.api.PgException;
import org.pgkernel.kernel.api.SqlState;
import org.pgkernel.kernel.spi.ClientListener.Opened;
import org.pgkernel.wire.api.ConnectionHandler;
import org.pgkernel.wire.internal.tls.ServerTls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listening sockets and the event loop they share with every connection, cf.
 * postmaster.c (the ListenSocket[] loop in PostmasterMain()) and pqcomm.c
 * StreamServerPort() / Lock_AF_UNIX().
 *
 * <p>One NIO event loop group of {@value #IO_THREADS} threads accepts, reads and writes for
 * all sockets; backends run on their own (virtual) threads and meet the event loop only in
 * {@link ChannelConnection}. TCP sockets come first, as in PostgreSQL: when
 * listen_addresses is not empty and no address could be bound the server cannot start
 * (FATAL "could not create any TCP/IP sockets"); then one Unix-domain socket per
 * unix_socket_directories entry, each guarded by its lock file.
 *
 * <p>{@code '*'} binds one dual-stack socket on {@code ::} where IPv6 exists (it accepts
 * IPv4 too; the JDK cannot set IPV6_V6ONLY), else {@code 0.0.0.0}; names such as
 * {@code localhost} bind every address the resolver gives, as getaddrinfo() does for
 * PostgreSQL.
 *
 * <p>TLS (ssl = on) is loaded before any socket is opened, as PostmasterMain() calls
 * secure_initialize() first: a configuration that cannot be loaded is FATAL and nothing is
 * bound. {@link #reloadTls()} loads it anew on SIGHUP; TCP connections then get the new one,
 * open sessions keep theirs.
 *
 * <p>{@link #close()} closes the listening sockets and removes their files; connections go
 * on. {@link #shutdown()} also stops the event loop, which ends them.
 */
public final class WireServer {
    private static final Logger LOG = LoggerFactory.getLogger(WireServer.class);

    /** Event-loop threads: the machine's cores belong to the backends. */
    static final int IO_THREADS = 2;
    /** A connection is not writable while more than this many bytes wait for the socket. */
    static final int WRITE_HIGH_WATER = 64 << 10;
    /** It becomes writable again below this. */
    static final int WRITE_LOW_WATER = 32 << 10;
    /** sizeof(sun_path) - 1 on Linux: the longest Unix-domain socket path (UNIXSOCK_PATH_BUFLEN). */
    static final int UNIXSOCK_PATH_MAX = 107;
    /** PG_SOMAXCONN: the listen backlog is 2 × max_connections up to this. */
    static final int PG_SOMAXCONN = 10000;
    /** TouchSocketLockFiles() runs every 58 minutes. */
    static final long LOCK_TOUCH_MINUTES = 58;

    /** Where CancelRequests go: the postmaster's cancelRequest(pid, key). Called on the event loop. */
    public interface Cancels {
        void cancelRequest(int pid, int key);
    }

    private final ConnectionHandler connections;
    private final Cancels cancels;
    private final long pid;
    private final long startTime;

    private final ServerTls tls = new ServerTls();
    /** What open() was given, for reloadTls(); null before open(). */
    private Function<String, String> settings;
    private Path dataDirectory;

    private EventLoopGroup group;
    private final List<Channel> listeners = new ArrayList<>();
    private final List<Path> files = new ArrayList<>();
    private final List<Path> lockFiles = new ArrayList<>();
    private ScheduledFuture<?> lockToucher;

    /**
     * @param pid       the postmaster's pid, written to the lock files
     * @param startTime the postmaster's start time in seconds since the epoch
     */
    public WireServer(ConnectionHandler connections, Cancels cancels, long pid, long startTime) {
        this.connections = connections;
        this.cancels = cancels;
        this.pid = pid;
        this.startTime = startTime;
    }

    /**
     * Opens the sockets the settings ask for. {@code setting} answers as SHOW does (port,
     * listen_addresses, unix_socket_directories, unix_socket_permissions,
     * authentication_timeout, max_connections, ssl and the ssl_* settings). Throws a FATAL
     * PgException, having closed what it opened, when PostgreSQL would not start.
     */
    public synchronized Opened open(Function<String, String> setting, Path dataDirectory) {
        if (!listeners.isEmpty()) throw new IllegalStateException("already open");
        tls.initialize(setting, dataDirectory);
        this.settings = setting;
        this.dataDirectory = dataDirectory;
        int port = Integer.parseInt(setting(setting, "port", "5432").trim());
        Duration authTimeout = parseDuration(setting(setting, "authentication_timeout", "1min"));
        int backlog = Math.min(PG_SOMAXCONN, 2 * parseInt(setting(setting, "max_connections", "100"), 100));
        if (group == null) {
            group = new MultiThreadIoEventLoopGroup(IO_THREADS, new DefaultThreadFactory("pgkernel-wire", true),
                    NioIoHandler.newFactory());
        }
        List<String> describe = new ArrayList<>();
        String firstAddress = "";
        String firstSocketDir = "";
        try {
            List<String> hosts = splitList(setting(setting, "listen_addresses", "localhost"));
            boolean tcp = false;
            for (String host : hosts) {
                if (bindHost(host, port, backlog, authTimeout, describe)) {
                    tcp = true;
                    if (firstAddress.isEmpty()) firstAddress = host;
                } else {
                    LOG.warn("could not create listen socket for \"{}\"", host);
                }
            }
            if (!hosts.isEmpty() && !tcp) throw fatal("could not create any TCP/IP sockets");

            List<String> dirs = splitList(setting(setting, "unix_socket_directories", "/tmp"));
            String permissions = setting(setting, "unix_socket_permissions", "0777");
            boolean unix = false;
            for (String dir : dirs) {
                if (bindUnix(dir, dataDirectory, port, backlog, authTimeout, permissions, describe)) {
                    unix = true;
                    if (firstSocketDir.isEmpty()) firstSocketDir = dir;
                } else {
                    LOG.warn("could not create Unix-domain socket in directory \"{}\"", dir);
                }
            }
            if (!dirs.isEmpty() && !unix) throw fatal("could not create any Unix-domain sockets");
            if (listeners.isEmpty()) throw fatal("no socket created for listening");
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        if (!lockFiles.isEmpty()) {
            List<Path> locks = List.copyOf(lockFiles);
            lockToucher = group.next().scheduleAtFixedRate(() -> locks.forEach(SocketLockFile::touch),
                    LOCK_TOUCH_MINUTES, LOCK_TOUCH_MINUTES, TimeUnit.MINUTES);
        }
        return new Opened(firstSocketDir, firstAddress, List.copyOf(describe));
    }

    private boolean bindHost(String host, int port, int backlog, Duration authTimeout, List<String> describe) {
        List<InetAddress> addresses = new ArrayList<>();
        if (host.equals("*")) {
            try {
                addresses.add(InetAddress.getByName("::"));
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        } else {
            try {
                addresses.addAll(List.of(InetAddress.getAllByName(host)));
            } catch (UnknownHostException e) {
                LOG.info("could not translate host name \"{}\", service \"{}\" to address: {}", host, port,
                        "Name or service not known");
                return false;
            }
        }
        boolean any = false;
        for (InetAddress address : addresses) {
            if (host.equals("*")) {
                // the dual-stack wildcard; without IPv6, the IPv4 wildcard
                if (bindTcp(address, port, backlog, authTimeout, describe, false)) {
                    any = true;
                } else {
                    try {
                        any |= bindTcp(InetAddress.getByName("0.0.0.0"), port, backlog, authTimeout, describe, true);
                    } catch (UnknownHostException e) {
                        throw new IllegalStateException(e);
                    }
                }
            } else {
                any |= bindTcp(address, port, backlog, authTimeout, describe, true);
            }
        }
        return any;
    }

    private boolean bindTcp(InetAddress address, int port, int backlog, Duration authTimeout, List<String> describe,
                            boolean logBindFailure) {
        String family = address instanceof Inet4Address ? "IPv4" : "IPv6";
        String addr = numericHost(address);
        SocketProtocolFamily pf = address instanceof Inet4Address ? SocketProtocolFamily.INET : SocketProtocolFamily.INET6;
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channelFactory(() -> new NioServerSocketChannel(SelectorProvider.provider(), pf))
                .option(ChannelOption.SO_BACKLOG, backlog)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(WRITE_LOW_WATER, WRITE_HIGH_WATER))
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ClientInitializer(connections, cancels, authTimeout, false, tls));
        ChannelFuture f = b.bind(new InetSocketAddress(address, port)).awaitUninterruptibly();
        if (!f.isSuccess()) {
            if (logBindFailure || !(f.cause() instanceof BindException)) {
                logBindFailure(family, addr, f.cause());
            }
            return false;
        }
        listeners.add(f.channel());
        if (address.isAnyLocalAddress() && address instanceof Inet6Address) {
            // the dual-stack wildcard serves both families, as PostgreSQL's two sockets do
            LOG.info("listening on IPv4 address \"0.0.0.0\", port {}", port);
            describe.add("IPv4 address \"0.0.0.0\", port " + port);
        }
        LOG.info("listening on {} address \"{}\", port {}", family, addr, port);
        describe.add(family + " address \"" + addr + "\", port " + port);
        return true;
    }

    private boolean bindUnix(String dir, Path dataDirectory, int port, int backlog, Duration authTimeout,
                             String permissions, List<String> describe) {
        if (dir.startsWith("@")) {
            LOG.info("Unix-domain socket path \"{}\" is not supported: abstract sockets are not available", dir);
            return false;
        }
        Path socketDir = dataDirectory.resolve(dir).normalize();
        Path socket = socketDir.resolve(".s.PGSQL." + port);
        String socketPath = socket.toString();
        if (socketPath.getBytes(StandardCharsets.UTF_8).length > UNIXSOCK_PATH_MAX) {
            LOG.info("Unix-domain socket path \"{}\" is too long (maximum {} bytes)", socketPath, UNIXSOCK_PATH_MAX);
            return false;
        }
        // cf. Lock_AF_UNIX(): take the interlock, then any socket file left over is ours to remove
        Path lock = SocketLockFile.create(socket, pid, dataDirectory.toString(), startTime, port, dir);
        lockFiles.add(lock);
        files.add(lock);
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.info("could not remove socket file \"{}\": {}", socketPath, SocketLockFile.strerror(e));
        }
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channelFactory(NioServerDomainSocketChannel::new)
                .option(ChannelOption.SO_BACKLOG, backlog)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(WRITE_LOW_WATER, WRITE_HIGH_WATER))
                // Netty's NIO Unix-domain channel knows no ALLOW_HALF_CLOSURE (it would log a WARNING
                // per connection): a client that shuts its writing side there is simply closed
                .childHandler(new ClientInitializer(connections, cancels, authTimeout, true, null));
        ChannelFuture f = b.bind(UnixDomainSocketAddress.of(socket)).awaitUninterruptibly();
        if (!f.isSuccess()) {
            logBindFailure("Unix", socketPath, f.cause());
            return false;
        }
        listeners.add(f.channel());
        files.add(socket);
        setPermissions(socket, permissions);
        LOG.info("listening on Unix socket \"{}\"", socketPath);
        describe.add("Unix socket \"" + socketPath + "\"");
        return true;
    }

    private static void setPermissions(Path socket, String octal) {
        int mode;
        try {
            mode = Integer.parseInt(octal.trim(), 8);
        } catch (NumberFormatException e) {
            return;
        }
        Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int bit = 0; bit < order.length; bit++) {
            if ((mode & (1 << bit)) != 0) perms.add(order[bit]);
        }
        try {
            Files.setPosixFilePermissions(socket, perms);
        } catch (IOException | UnsupportedOperationException e) {
            // cf. Setup_AF_UNIX(): "could not set permissions of file \"%s\": %m"
            LOG.info("could not set permissions of file \"{}\": {}", socket, e.getMessage());
        }
    }

    /** cf. StreamServerPort(): LOG "could not bind …" with the EADDRINUSE hint. */
    private static void logBindFailure(String family, String addr, Throwable cause) {
        String reason = cause == null || cause.getMessage() == null ? String.valueOf(cause) : cause.getMessage();
        // PostgreSQL adds HINT "Is another postmaster already running on port N?" to EADDRINUSE
        LOG.info("could not bind {} address \"{}\": {}", family, addr, reason);
    }

    /**
     * SIGHUP: rebuilds the TLS configuration from the settings as they are now (ssl may have been
     * turned on or off). On failure the error is logged and the previous configuration stays.
     * Returns whether the new configuration is in force; does nothing before {@link #open}.
     */
    public synchronized boolean reloadTls() {
        if (settings == null) return false;
        return tls.reload(settings, dataDirectory);
    }

    /** Stops accepting connections and removes the socket and lock files; connections go on. */
    public synchronized void close() {
        if (lockToucher != null) {
            lockToucher.cancel(false);
            lockToucher = null;
        }
        for (Channel ch : listeners) ch.close().awaitUninterruptibly();
        listeners.clear();
        for (Path p : files) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                LOG.info("could not remove file \"{}\": {}", p, SocketLockFile.strerror(e));
            }
        }
        files.clear();
        lockFiles.clear();
    }

    /** close(), then stops the event loop, which closes every connection. */
    public synchronized void shutdown() {
        close();
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            group = null;
        }
    }

    private static String setting(Function<String, String> setting, String name, String fallback) {
        try {
            String v = setting.apply(name);
            return v == null ? fallback : v;
        } catch (RuntimeException e) {
            return fallback;
        }
    }

    private static int parseInt(String s, int fallback) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** The address as inet_ntop() prints it: IPv6 with the longest run of zero groups as "::". */
    static String numericHost(InetAddress address) {
        String s = address.getHostAddress();
        int scope = s.indexOf('%');
        if (scope >= 0) s = s.substring(0, scope);
        if (!(address instanceof Inet6Address)) return s;
        String[] groups = s.split(":");
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < groups.length; ) {
            if (!groups[i].equals("0")) {
                i++;
                continue;
            }
            int j = i;
            while (j < groups.length && groups[j].equals("0")) j++;
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        if (bestLen < 2) return s;
        String head = String.join(":", java.util.Arrays.copyOfRange(groups, 0, bestStart));
        String tail = String.join(":", java.util.Arrays.copyOfRange(groups, bestStart + bestLen, groups.length));
        return head + "::" + tail;
    }

    /** A comma-separated list as SplitGUCList() reads it: blanks trimmed, double quotes removed, empty = none. */
    static List<String> splitList(String value) {
        List<String> out = new ArrayList<>();
        if (value == null) return out;
        for (String part : value.split(",")) {
            String s = part.trim();
            if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) s = s.substring(1, s.length() - 1);
            if (!s.isEmpty()) out.add(s);
        }
        return out;
    }

    /** A time setting as SHOW prints it ("1min", "60s", "500ms", "1h", "1d"); a bare number is seconds. */
    static Duration parseDuration(String value) {
        String s = value.trim().toLowerCase(Locale.ROOT);
        int i = 0;
        while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '-')) i++;
        long n;
        try {
            n = Long.parseLong(s.substring(0, i));
        } catch (NumberFormatException e) {
            return Duration.ofMinutes(1);
        }
        return switch (s.substring(i).trim()) {
            case "ms" -> Duration.ofMillis(n);
            case "", "s" -> Duration.ofSeconds(n);
            case "min" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofMinutes(1);
        };
    }

    private static PgException fatal(String message) {
        return new PgException(ErrorSeverity.FATAL, SqlState.INTERNAL_ERROR, message, null, null, 0, null, null);
    }
}
