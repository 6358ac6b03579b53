package tcplab.lab02;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnsupportedAddressTypeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import tcplab.kit.CheckFailed;
import tcplab.kit.Checks;
import tcplab.kit.Hint;
import tcplab.kit.Inspector;
import tcplab.kit.LabCode;
import tcplab.kit.ProgramRun;
import tcplab.kit.ScriptedServer;
import tcplab.kit.Sockets;
import tcplab.kit.Transcript;

@Checks(lesson = 2)
class NewSocketChecks {

    private static final Duration LIMIT = Duration.ofSeconds(2);
    private static final Duration DATAGRAM_WAIT = Duration.ofSeconds(1);

    // ---------------------------------------------------------------------------------------------------- streams

    @Test
    @Order(1)
    @Hint("""
            open(INET, STREAM) must return SocketChannel.open(StandardProtocolFamily.INET). Likely causes: plain
            SocketChannel.open() without a family, which gives a dual-stack IPv6 socket, not an AF_INET one (it takes
            the IPv6 address [::], and on Linux its connections show up in /proc/net/tcp6 as ::ffff:127.0.0.1); the
            channel opened in a try-with-resources inside open(), so the caller gets it closed (open() returns it,
            the caller closes it). See "Each domain and type, in Java" and "Dual stack: why plain open() is IPv6".""")
    @DisplayName("An INET stream socket is an IPv4 SocketChannel")
    void an_inet_stream_socket_is_an_ipv4_socket_channel() throws Exception {
        String doing = "called NewSocket.open(Domain.INET, Type.STREAM)";
        NetworkChannel channel = LabCode.call(doing, LIMIT, () -> NewSocket.open(Domain.INET, Type.STREAM));
        try (channel) {
            SocketChannel socket = mustBeOpen(doing, channel, SocketChannel.class,
                    "a SocketChannel: SOCK_STREAM is TCP, which Java calls a SocketChannel");
            mustRefuseIpv6(doing, socket, "SocketChannel.open(StandardProtocolFamily.INET)");
            mustBindTo(doing, socket, new InetSocketAddress(Probe02.ipv4(), 0), "IPv4 loopback 127.0.0.1");
            connectAndLook(doing, socket, Probe02.ipv4(), "tcp");
        }
    }

    @Test
    @Order(2)
    @Hint("""
            open(INET6, STREAM) must return SocketChannel.open(StandardProtocolFamily.INET6): an AF_INET6 socket takes
            IPv6 addresses such as ::1. Likely cause: INET6 mapped to StandardProtocolFamily.INET (a copy-and-paste
            slip): an INET channel refuses ::1 with UnsupportedAddressTypeException. See "Each domain and type, in
            Java".""")
    @DisplayName("An INET6 stream socket binds to the IPv6 loopback")
    void an_inet6_stream_socket_binds_to_the_ipv6_loopback() throws Exception {
        Assumptions.assumeTrue(Probe02.hasIpv6Loopback(),
                "this machine cannot bind to the IPv6 loopback ::1, so an IPv6 socket cannot be tried here");
        String doing = "called NewSocket.open(Domain.INET6, Type.STREAM)";
        NetworkChannel channel = LabCode.call(doing, LIMIT, () -> NewSocket.open(Domain.INET6, Type.STREAM));
        try (channel) {
            SocketChannel socket = mustBeOpen(doing, channel, SocketChannel.class,
                    "a SocketChannel: SOCK_STREAM is TCP, which Java calls a SocketChannel");
            mustBindTo(doing, socket, new InetSocketAddress(Probe02.ipv6(), 0), "IPv6 loopback ::1");
            connectAndLook(doing, socket, Probe02.ipv6(), "tcp6");
        }
    }

    @Test
    @Order(3)
    @Hint("""
            open(UNIX, STREAM) must return SocketChannel.open(StandardProtocolFamily.UNIX) (Java 16 and later). Its
            address is a file path, a UnixDomainSocketAddress, not a host and port. Likely cause: UNIX mapped to
            another family, or the channel closed before open() returns it. See "AF_UNIX: a socket that is a
            file".""")
    @DisplayName("A UNIX stream socket binds to a path in the file system")
    void a_unix_stream_socket_binds_to_a_path_in_the_file_system() throws Exception {
        String doing = "called NewSocket.open(Domain.UNIX, Type.STREAM)";
        NetworkChannel channel = LabCode.call(doing, LIMIT, () -> NewSocket.open(Domain.UNIX, Type.STREAM));
        Path dir = Files.createTempDirectory("tcplab02");
        Path path = dir.resolve("lab.sock");
        try (channel) {
            SocketChannel socket = mustBeOpen(doing, channel, SocketChannel.class,
                    "a SocketChannel: SOCK_STREAM is a stream, which Java calls a SocketChannel");
            mustBindTo(doing, socket, UnixDomainSocketAddress.of(path), "the path " + path);
            if (!(socket.getLocalAddress() instanceof UnixDomainSocketAddress) || !Files.exists(path)) {
                throw CheckFailed.when(doing + " and bound it to " + path)
                        .expected("a UNIX domain socket file at " + path)
                        .got("local address " + socket.getLocalAddress() + ", file exists: " + Files.exists(path))
                        .next("open(UNIX, STREAM) should use StandardProtocolFamily.UNIX")
                        .build();
            }
        } finally {
            Files.deleteIfExists(path);
            Files.deleteIfExists(dir);
        }
    }

    // -------------------------------------------------------------------------------------------------- datagrams

    @Test
    @Order(4)
    @Hint("""
            SOCK_DGRAM is UDP, which Java calls a DatagramChannel: open(INET, DGRAM) is
            DatagramChannel.open(StandardProtocolFamily.INET) and open(INET6, DGRAM) the same with INET6. Likely
            causes: plain DatagramChannel.open() without a family (a dual-stack IPv6 socket, not AF_INET); a
            SocketChannel returned for DGRAM. See "Each domain and type, in Java".""")
    @DisplayName("Datagram sockets carry one datagram over IPv4 and IPv6")
    void datagram_sockets_carry_one_datagram_over_ipv4_and_ipv6() throws Exception {
        String doing = "called NewSocket.open(Domain.INET, Type.DGRAM)";
        NetworkChannel v4 = LabCode.call(doing, LIMIT, () -> NewSocket.open(Domain.INET, Type.DGRAM));
        try (v4) {
            DatagramChannel channel = mustBeOpen(doing, v4, DatagramChannel.class,
                    "a DatagramChannel: SOCK_DGRAM is UDP, which Java calls a DatagramChannel");
            mustRefuseIpv6(doing, channel, "DatagramChannel.open(StandardProtocolFamily.INET)");
            roundTrip(doing, channel, Probe02.ipv4(), StandardProtocolFamily.INET);
        }

        Assumptions.assumeTrue(Probe02.hasIpv6Loopback(), "IPv4 datagrams work; this machine cannot bind to the "
                + "IPv6 loopback ::1, so IPv6 datagrams cannot be tried here");
        String doing6 = "called NewSocket.open(Domain.INET6, Type.DGRAM)";
        NetworkChannel v6 = LabCode.call(doing6, LIMIT, () -> NewSocket.open(Domain.INET6, Type.DGRAM));
        try (v6) {
            DatagramChannel channel = mustBeOpen(doing6, v6, DatagramChannel.class,
                    "a DatagramChannel: SOCK_DGRAM is UDP, which Java calls a DatagramChannel");
            roundTrip(doing6, channel, Probe02.ipv6(), StandardProtocolFamily.INET6);
        }
    }

    // ------------------------------------------------------------------------------------------------- impossible

    @Test
    @Order(5)
    @Hint("""
            For PACKET (any type), RAW (any domain) and UNIX + DGRAM, open must not return a channel: throw
            new UnsupportedOperationException("...") with your own message (not starting with TODO) that names the
            domain and the type asked for (AF_INET or INET or IPv4, SOCK_DGRAM or DGRAM or datagram, ...) and says
            why in at least three words of its own (e.g. the JDK has none, they need root or CAP_NET_RAW, they are
            not portable). Likely causes: a vague message such as "not supported"; no refusal of your own,
            so the JDK's exception and its words ("Protocol family not supported") reach the user; PACKET refused
            only with RAW; a channel opened first and refused afterwards, never closed. Refuse before opening
            anything. See "What Java cannot open".""")
    @DisplayName("Sockets Java cannot open are refused, with the reason")
    void sockets_java_cannot_open_are_refused_with_the_reason() throws Exception {
        Probe02.warmUp();
        record Impossible(Domain domain, Type type, String mustName) {}
        var cases = List.of(
                new Impossible(Domain.PACKET, Type.RAW, "packet"),
                new Impossible(Domain.PACKET, Type.DGRAM, "packet"),
                new Impossible(Domain.PACKET, Type.STREAM, "packet"),
                new Impossible(Domain.INET, Type.RAW, "raw"),
                new Impossible(Domain.INET6, Type.RAW, "raw"),
                new Impossible(Domain.UNIX, Type.RAW, "raw"),
                new Impossible(Domain.UNIX, Type.DGRAM, "datagram"));
        for (Impossible c : cases) {
            String doing = "called NewSocket.open(Domain." + c.domain() + ", Type." + c.type() + ")";
            Set<Inspector.Descriptor> before = Inspector.descriptors();
            LabCode.Outcome<NetworkChannel> outcome = LabCode.outcome(doing, LIMIT,
                    () -> NewSocket.open(c.domain(), c.type()));
            List<Inspector.Descriptor> leaked = Inspector.openedSince(before);
            if (!outcome.threw()) {
                Sockets.closeAll(outcome.value());
                throw CheckFailed.when(doing)
                        .expected("an UnsupportedOperationException: Java cannot open " + c.domain().cName() + "/"
                                + c.type().cName())
                        .got("a channel: " + outcome.value())
                        .next("open() should refuse this pair before opening anything")
                        .build();
            }
            Throwable thrown = outcome.thrown();
            if (!(thrown instanceof UnsupportedOperationException)) {
                throw CheckFailed.when(doing)
                        .expected("an UnsupportedOperationException with a message that says why Java cannot open "
                                + c.domain().cName() + "/" + c.type().cName())
                        .got(thrown.getClass().getName() + ": " + thrown.getMessage()
                                + "\nat " + LabCode.where(thrown.getStackTrace()))
                        .next("refuse this pair yourself, with your own message, before calling the JDK")
                        .build();
            }
            String message = thrown.getMessage() == null ? "" : thrown.getMessage();
            StackTraceElement[] stack = thrown.getStackTrace();
            if (stack.length > 0 && !stack[0].getClassName().startsWith("tcplab.lab")) {
                throw CheckFailed.when(doing)
                        .expected("your own UnsupportedOperationException, with a message that names "
                                + c.domain().cName() + "/" + c.type().cName() + " and says why Java cannot open it")
                        .got("the JDK's own exception, thrown inside the JDK when your code called it at "
                                + LabCode.where(stack) + ":\nUnsupportedOperationException: "
                                + (message.isEmpty() ? "(no message)" : message))
                        .next("refuse " + c.domain().cName() + "/" + c.type().cName() + " yourself, before calling "
                                + "the JDK: its message does not say which socket was asked for, nor why Java has "
                                + "none")
                        .build();
            }
            Refusal02 judged = Refusal02.of(message, c.domain(), c.type());
            if (!judged.acceptable()) {
                throw CheckFailed.when(doing)
                        .expected("a message that names the domain and the type asked for (e.g. "
                                + c.domain().cName() + " and " + c.type().cName() + ") and gives a reason in at "
                                + "least " + Refusal02.REASON_WORDS + " words of its own")
                        .got("UnsupportedOperationException: " + (message.isEmpty() ? "(no message)" : message)
                                + "\n" + judged.findings())
                        .next(judged.advice())
                        .build();
            }
            if (!leaked.isEmpty()) {
                throw CheckFailed.when(doing)
                        .expected("a refusal that opens nothing")
                        .got("the refusal left " + leaked.size() + " socket descriptor(s) open: "
                                + Probe02.fds(leaked) + ": a channel was opened, then refused, and never closed")
                        .next("decide to refuse before you open any channel, or close what you opened")
                        .build();
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------- program

    @Test
    @Order(6)
    @Hint("""
            Take before = Inspector.descriptors() just before open(), then Inspector.openedSince(before) while the
            channel is still open, and print "sockfd = " and the fd of the last descriptor in that list. Close the
            channel before run returns (try-with-resources). Likely causes: `before` taken after open() (the new
            socket is already in it, so nothing looks new); the line printed after the try-with-resources block has
            closed the channel (the number then names no open socket); no try-with-resources, so the socket stays
            open. See "The program: sockfd = N".""")
    @DisplayName("The program prints the descriptor of the socket it opened")
    void the_program_prints_the_descriptor_of_the_socket_it_opened() throws Exception {
        Assumptions.assumeTrue(Inspector.available(), Inspector.unavailableReason());
        Probe02.warmUp();
        runAndFindDescriptor("inet", "stream", "SocketChannel");
        runAndFindDescriptor("inet", "dgram", "DatagramChannel");
    }

    @Test
    @Order(7)
    @Hint("""
            Where Inspector.available() is false (macOS, Windows: no /proc), there is no number to find: print one
            line that starts with "sockfd:" and says that the JDK hides the number, then the "type = ..." line, and
            return 0. The check switches the inspector off to try this on Linux too. Likely causes: no test of
            Inspector.available(), so Inspector.openedSince(before) is empty and get(size - 1) throws; a made-up
            number such as "sockfd = -1". See "The program: sockfd = N".""")
    @DisplayName("Without the inspector, the program says the number is hidden")
    void without_the_inspector_the_program_says_the_number_is_hidden() throws Exception {
        String doing = "switched the socket inspector off (Inspector.available() is false, as on macOS) and ran the "
                + "program with arguments [inet, stream]";
        Probe02.Run run = Inspector.pretendingUnavailable(() -> Probe02.run(doing, LIMIT, "inet", "stream"));
        String expected = "a line starting with \"sockfd:\" that says the JDK hides the number, then "
                + "\"type = SocketChannel\", exit code 0";
        if (run.thrown() != null) {
            throw CheckFailed.when(doing)
                    .expected(expected)
                    .got(run.describe())
                    .next(run.thrown() instanceof IndexOutOfBoundsException
                            ? "without the inspector, Inspector.descriptors() and Inspector.openedSince(before) are "
                                    + "empty, so the list has no last element: test Inspector.available() first, and "
                                    + "print the \"sockfd:\" line when it is false"
                            : "test Inspector.available() first; when it is false, print the \"sockfd:\" line "
                                    + "instead of looking for the number")
                    .cause(run.thrown())
                    .build();
        }
        List<String> lines = run.out().lines().map(String::strip).toList();
        int hidden = indexOf(lines, l -> l.startsWith("sockfd:"));
        int type = indexOf(lines, l -> l.startsWith("type = SocketChannel"));
        boolean madeUp = lines.stream().anyMatch(l -> l.startsWith("sockfd ="));
        if (run.exitCode() != 0 || hidden < 0 || madeUp || type < hidden) {
            throw CheckFailed.when(doing)
                    .expected(expected)
                    .got(run.describe())
                    .next(madeUp ? "without the inspector there is no number to print: print a line such as "
                                    + "\"sockfd: hidden by the JDK\" instead of \"sockfd = N\""
                            : hidden < 0 ? "when Inspector.available() is false, print one line that starts with "
                                    + "\"sockfd:\" and says that the JDK hides the number"
                            : type < hidden ? "print \"type = SocketChannel\" (the kind of channel) after the "
                                    + "\"sockfd:\" line"
                            : "return 0: the socket was opened, which is all the program was asked to do")
                    .build();
        }
    }

    private static int indexOf(List<String> lines, java.util.function.Predicate<String> test) {
        for (int i = 0; i < lines.size(); i++) {
            if (test.test(lines.get(i))) {
                return i;
            }
        }
        return -1;
    }

    @Test
    @Order(8)
    @Hint("""
            A usage error is exit code 2: when args.length != 2, or Domain.parse / Type.parse throw
            IllegalArgumentException, print a line containing "Usage: NewSocket <domain> <type>" on err (not out),
            print nothing on out, and return 2. Likely causes: `args.length < 2`, which lets a third argument through;
            the usage printed on out; exit code 1, which the kit keeps for a socket that could not be opened; the
            IllegalArgumentException let out of run (a stack trace). See "Exit codes".""")
    @DisplayName("Bad arguments get the usage line and exit code 2")
    void bad_arguments_get_the_usage_line_and_exit_code_2() {
        for (String[] args : List.of(new String[0], new String[] {"inet"}, new String[] {"inet", "stream", "now"},
                new String[] {"inet", "banana"}, new String[] {"bluetooth", "stream"})) {
            String doing = "ran the program with arguments " + List.of(args);
            Probe02.Run run = Probe02.run(doing, LIMIT, args);
            boolean usageOnErr = run.err().lines().anyMatch(l -> l.contains(USAGE));
            boolean usageOnOut = run.out().lines().anyMatch(l -> l.contains(USAGE));
            if (run.thrown() != null || run.exitCode() != 2 || !usageOnErr || !run.out().isEmpty()
                    || run.hasStackTrace()) {
                throw CheckFailed.when(doing)
                        .expected("a usage error: a line containing \"" + USAGE + "\" on stderr, nothing on stdout, "
                                + "exit code 2")
                        .got(run.describe())
                        .next(nextForUsage(args, run, usageOnErr, usageOnOut))
                        .build();
            }
        }
    }

    private static final String USAGE = "Usage: NewSocket";

    /** What to look at for a usage error that went wrong, judged from what the run shows. */
    private static String nextForUsage(String[] args, Probe02.Run run, boolean usageOnErr, boolean usageOnOut) {
        if (run.thrown() instanceof IllegalArgumentException) {
            return "catch the IllegalArgumentException of Domain.parse / Type.parse, print the usage line on err and "
                    + "return 2";
        }
        if (run.thrown() instanceof IndexOutOfBoundsException) {
            return "test args.length before you read args[0] and args[1]: with " + args.length + " argument(s), "
                    + "print the usage line on err and return 2";
        }
        if (run.thrown() != null) {
            return "catch what goes wrong with the arguments in run(), print the usage line on err and return 2";
        }
        if (run.exitCode() == 0 && run.out().contains("sockfd")) {
            return "the program ran as if " + List.of(args) + " were right: it needs exactly 2 arguments, so test "
                    + "args.length != 2, not < 2";
        }
        if (run.hasStackTrace()) {
            return "print one usage line, not a stack trace (printStackTrace is for programmers)";
        }
        if (usageOnOut && !usageOnErr) {
            return "the usage went to stdout: print it with err.println, and nothing on out";
        }
        if (!usageOnErr) {
            return "print a line containing \"Usage: NewSocket <domain> <type>\" on err";
        }
        if (!run.out().isEmpty()) {
            return "a usage error prints nothing on out: only the usage line, on err";
        }
        return "return 2 after the usage line: 2 is the kit's exit code for a usage error, 1 for a socket that could "
                + "not be opened, so a script can tell them apart";
    }

    @Test
    @Order(9)
    @Hint("""
            When open() refuses the pair, run() catches the exception, prints one line "fail to socket: " and its
            message on err, like C's perror, prints nothing on out, and returns 1 (the kit's exit code for a failure
            at run time, C's exit(1)). Likely causes: a stack trace (e.printStackTrace, or the exception let out of
            run); return 0 after the failure (a script would believe it worked); return 2, which the kit keeps for
            usage errors. See "Errors: -1 and errno, or an exception" and "Exit codes".""")
    @DisplayName("A socket Java cannot open ends with one line and exit code 1")
    void a_socket_java_cannot_open_ends_with_one_line_and_exit_code_1() throws Exception {
        // What open() says for this pair (check 5 judges it); the program's one line must pass it on.
        var refusal = LabCode.outcome("called NewSocket.open(Domain.PACKET, Type.RAW)", LIMIT,
                () -> NewSocket.open(Domain.PACKET, Type.RAW));
        Sockets.closeAll(refusal.value());
        String why = refusal.thrown() instanceof UnsupportedOperationException u ? u.getMessage() : null;
        String doing = "ran the program with arguments [packet, raw]";
        Probe02.Run run = Probe02.run(doing, LIMIT, "packet", "raw");
        List<String> errLines = run.err().lines().toList();
        boolean oneLine = errLines.size() == 1 && errLines.get(0).startsWith("fail to socket: ")
                && (why == null || errLines.get(0).contains(why));
        if (run.thrown() != null || run.exitCode() != 1 || !oneLine || !run.out().isEmpty()) {
            throw CheckFailed.when(doing)
                    .expected("one line on stderr, \"fail to socket: \" and the message of open()'s exception"
                            + (why == null ? "" : " (\"" + why + "\")") + ", nothing on stdout, exit code 1")
                    .got(run.describe())
                    .next(run.thrown() != null
                            ? "run() let the exception out: main would print a stack trace. Catch it in run, print "
                                    + "err.println(\"fail to socket: \" + e.getMessage()) and return 1"
                            : run.hasStackTrace()
                            ? "print one line, err.println(\"fail to socket: \" + e.getMessage()), not a stack trace "
                                    + "(printStackTrace is for programmers)"
                            : !oneLine
                            ? "print exactly one line on err: \"fail to socket: \" followed by e.getMessage(), as C's "
                                    + "perror prints its text, a colon and the reason"
                            : !run.out().isEmpty()
                            ? "print nothing on out when the socket could not be opened: the one line goes to err"
                            : run.exitCode() == 0
                            ? "return 1 after \"fail to socket\": exit code 0 tells a script that calls your "
                                    + "program that all went well"
                            : "return 1: the kit's exit code for a failure at run time (2 is for usage errors)")
                    .build();
        }
    }

    // ---------------------------------------------------------------------------------------------------- helpers

    /** Like {@link ProgramRun#describe()}, with stack traces cut to the lab's own frames. */
    private static String describe(ProgramRun run) {
        return "exit code " + run.exitCode()
                + "\nstdout: " + (run.out().isEmpty() ? "(nothing)" : Transcript.quote(run.out()))
                + "\nstderr: " + (run.err().isEmpty() ? "(nothing)"
                        : Transcript.quote(Probe02.shortStackTraces(run.err())));
    }

    private static <T> T mustBeOpen(String doing, NetworkChannel channel, Class<T> kind, String why) {
        if (channel == null || !kind.isInstance(channel)) {
            throw CheckFailed.when(doing)
                    .expected(why)
                    .got(channel == null ? "null" : "a " + channel.getClass().getName() + ": " + channel)
                    .next("which channel class each (domain, type) pair maps to, in the lesson's table")
                    .build();
        }
        if (!channel.isOpen()) {
            throw CheckFailed.when(doing)
                    .expected("an open channel: open() returns it, the caller closes it")
                    .got("a channel that is already closed: " + channel)
                    .next("do not close the channel inside open() (no try-with-resources around the return)")
                    .build();
        }
        SocketAddress local;
        try {
            local = channel.getLocalAddress();
        } catch (IOException e) {
            throw LabCode.threw(doing + " and asked the channel for its local address", e);
        }
        boolean connected = channel instanceof SocketChannel s ? s.isConnected() || s.isConnectionPending()
                : channel instanceof DatagramChannel d && d.isConnected();
        if (local != null || connected) {
            throw CheckFailed.when(doing)
                    .expected("a new socket, as socket() gives in C: not bound to an address, not connected")
                    .got("a channel that is already " + (connected ? "connected" : "bound to " + local))
                    .next("open() only opens: return the channel of " + kind.getSimpleName() + ".open(family) as it "
                            + "is, without bind() or connect(); the caller chooses the address (unlike "
                            + "new DatagramSocket(), which binds at once, a channel starts unbound)")
                    .build();
        }
        return kind.cast(channel);
    }

    /** An AF_INET channel takes no IPv6 address; a dual-stack one does. */
    private static void mustRefuseIpv6(String doing, NetworkChannel channel, String call) throws IOException {
        boolean accepted;
        try {
            channel.bind(new InetSocketAddress(InetAddress.getByName("::"), 0));
            accepted = true;
        } catch (UnsupportedAddressTypeException expected) {
            accepted = false;
        }
        if (accepted) {
            throw CheckFailed.when(doing + " and bound it to the IPv6 address [::]:0")
                    .expected("UnsupportedAddressTypeException: an AF_INET socket speaks IPv4 only")
                    .got("the bind worked, so your channel is an IPv6 (dual-stack) one: " + channel.getLocalAddress())
                    .next("pass the protocol family: " + call + ". Without it the JDK opens an IPv6 socket.")
                    .build();
        }
    }

    private static String fdsOrNone(List<Inspector.Descriptor> descriptors) {
        return descriptors.isEmpty() ? "none" : Probe02.fds(descriptors);
    }

    private static String familyFor(SocketAddress address) {
        if (address instanceof UnixDomainSocketAddress) {
            return "A path needs a channel opened with StandardProtocolFamily.UNIX (Domain.UNIX).";
        }
        InetAddress ip = ((InetSocketAddress) address).getAddress();
        return ip instanceof java.net.Inet6Address
                ? "An IPv6 address such as ::1 needs a channel opened with StandardProtocolFamily.INET6 (Domain.INET6)."
                : "An IPv4 address such as 127.0.0.1 needs StandardProtocolFamily.INET (Domain.INET).";
    }

    private static void mustBindTo(String doing, NetworkChannel channel, SocketAddress address, String what) {
        try {
            channel.bind(address);
        } catch (UnsupportedAddressTypeException e) {
            throw CheckFailed.when(doing + " and bound it to " + what)
                    .expected("the bind to work")
                    .got("UnsupportedAddressTypeException: your channel belongs to another protocol family")
                    .next("the StandardProtocolFamily you pass to open(): it must match the domain. "
                            + familyFor(address))
                    .build();
        } catch (IOException e) {
            throw CheckFailed.when(doing + " and bound it to " + what)
                    .expected("the bind to work")
                    .got(e.getClass().getName() + ": " + e.getMessage())
                    .next("return a fresh channel from open(): not bound, not connected")
                    .cause(e)
                    .build();
        }
    }

    /**
     * Connects the learner's bound stream socket to a kit server, and on Linux looks up the connection's row:
     * an AF_INET socket is listed in /proc/net/tcp, an AF_INET6 one in /proc/net/tcp6.
     */
    private static void connectAndLook(String doing, SocketChannel socket, InetAddress host, String table)
            throws IOException {
        var wire = new Transcript();
        try (var server = ScriptedServer.start(host, wire, c -> c.send("hi".getBytes(StandardCharsets.UTF_8)))) {
            var to = new InetSocketAddress(host, server.port());
            socket.configureBlocking(false);
            try {
                socket.connect(to);
                long end = System.nanoTime() + LIMIT.toNanos();
                while (!socket.finishConnect()) {
                    if (System.nanoTime() > end) {
                        throw new IOException("connect to " + to + " did not finish");
                    }
                    Thread.sleep(5);
                }
            } catch (IOException | InterruptedException e) {
                throw CheckFailed.when(doing + ", bound it and connected it to a kit server at " + to)
                        .expected("the connection to be made")
                        .got(e.getClass().getName() + ": " + e.getMessage())
                        .wire(wire)
                        .next("return a fresh SocketChannel from open(): not connected, not configured")
                        .build();
            }
            if (!Inspector.available()) {
                return;
            }
            int port = ((InetSocketAddress) socket.getLocalAddress()).getPort();
            Optional<Inspector.Row> row = Inspector.tcp().stream()
                    .filter(r -> r.local().getPort() == port && r.remote().getPort() == server.port())
                    .findFirst();
            if (row.isEmpty() || !row.get().protocol().equals(table)) {
                throw CheckFailed.when(doing + " and connected it to " + to)
                        .expected("the connection in /proc/net/" + table)
                        .got(row.map(r -> "it is in /proc/net/" + r.protocol() + ": " + r)
                                .orElse("no row for local port " + port))
                        .wire(wire)
                        .next("the protocol family you pass to SocketChannel.open()")
                        .build();
            }
        }
    }

    /** Sends a datagram to the learner's channel from a kit channel, and one back. */
    private static void roundTrip(String doing, DatagramChannel channel, InetAddress host,
                                  StandardProtocolFamily family) throws IOException {
        mustBindTo(doing, channel, new InetSocketAddress(host, 0), host.getHostAddress());
        try (DatagramChannel peer = DatagramChannel.open(family)) {
            peer.bind(new InetSocketAddress(host, 0));
            SocketAddress learner = channel.getLocalAddress();
            peer.send(ByteBuffer.wrap("ping".getBytes(StandardCharsets.UTF_8)), learner);
            SocketAddress[] from = new SocketAddress[1];
            String got = Probe02.receive(channel, DATAGRAM_WAIT, from);
            if (!"ping".equals(got)) {
                throw CheckFailed.when(doing + ", bound it to " + learner + " and sent it \"ping\" from "
                                + peer.getLocalAddress())
                        .expected("your channel to receive \"ping\"")
                        .got(got == null ? "nothing within " + LabCode.seconds(DATAGRAM_WAIT) : "\"" + got + "\"")
                        .next("open(" + family + ", DGRAM) must be DatagramChannel.open(StandardProtocolFamily."
                                + family + ")")
                        .build();
            }
            channel.send(ByteBuffer.wrap("pong".getBytes(StandardCharsets.UTF_8)), from[0]);
            String back = Probe02.receive(peer, DATAGRAM_WAIT, new SocketAddress[1]);
            if (!"pong".equals(back)) {
                throw CheckFailed.when(doing + " and sent \"pong\" from it back to " + from[0])
                        .expected("the kit's channel to receive \"pong\"")
                        .got(back == null ? "nothing within " + LabCode.seconds(DATAGRAM_WAIT) : "\"" + back + "\"")
                        .next("open() should return a plain, unconnected DatagramChannel")
                        .build();
            }
        }
    }

    private static final Pattern SOCKFD = Pattern.compile("sockfd = (\\d+)");

    private static void runAndFindDescriptor(String domain, String type, String kind) throws Exception {
        Set<Inspector.Descriptor> before = Inspector.descriptors();
        var watching = new Probe02.Watching();
        String[] args = {domain, type};
        String doing = "ran the program with arguments " + List.of(args);
        Probe02.Run run = Probe02.run(doing, LIMIT, watching, args);
        Probe02.Printed printed = watching.lines().stream().filter(p -> SOCKFD.matcher(p.line()).find())
                .findFirst().orElse(null);
        if (run.thrown() != null || run.exitCode() != 0 || printed == null) {
            throw CheckFailed.when(doing)
                    .expected("a line \"sockfd = N\" on stdout and exit code 0")
                    .got(run.describe())
                    .next(run.thrown() instanceof IndexOutOfBoundsException
                            ? "Inspector.openedSince(before) was empty, so it has no last element. Either `before` "
                                    + "was taken after open() (then the new socket is already in it: take before = "
                                    + "Inspector.descriptors() just BEFORE open()), or the channel was already "
                                    + "closed when openedSince was called"
                            : run.thrown() != null
                            ? "run() let an exception out: see where it was thrown"
                            : "run(): open the socket, find its descriptor with Inspector.openedSince(before), print "
                                    + "\"sockfd = \" and its fd, return 0")
                    .cause(run.thrown())
                    .build();
        }
        Matcher m = SOCKFD.matcher(printed.line());
        m.find();
        int fd = Integer.parseInt(m.group(1));
        boolean openThen = printed.openThen().stream().anyMatch(d -> d.fd() == fd);
        boolean newThen = printed.openThen().stream().filter(d -> d.fd() == fd).noneMatch(before::contains);
        if (!openThen || !newThen) {
            throw CheckFailed.when(doing)
                    .expected("N in \"sockfd = N\" to be the socket descriptor the program opened")
                    .got(printed.line() + "\nbut when that line was printed, "
                            + (openThen ? "fd " + fd + " was a socket that was already open before the run"
                            : "fd " + fd + " was not an open socket of this process (closed already?)")
                            + "\nsockets the program had opened and not yet closed at that moment: "
                            + fdsOrNone(printed.openThen().stream().filter(d -> !before.contains(d)).toList()))
                    .next("print while the channel is still open, and take the descriptor from "
                            + "Inspector.openedSince(before), with before taken just before open()")
                    .build();
        }
        List<String> lines = watching.lines().stream().map(Probe02.Printed::line).toList();
        int typeLine = indexOf(lines, l -> l.startsWith("type = " + kind));
        if (typeLine < lines.indexOf(printed.line())) {
            throw CheckFailed.when(doing)
                    .expected("after \"sockfd = N\", a line \"type = " + kind + "\"")
                    .got(run.describe())
                    .next(typeLine < 0 ? "print what kind of channel open() gave you: \"type = \" and "
                                    + "SocketChannel or DatagramChannel"
                            : "print the \"type = \" line after the \"sockfd = N\" line")
                    .build();
        }
        List<Inspector.Descriptor> left = Inspector.openedSince(before);
        if (!left.isEmpty()) {
            throw CheckFailed.when(doing)
                    .expected("the program to close its socket before it returns")
                    .got("still open after run() returned: " + Probe02.fds(left))
                    .next("open the channel in a try-with-resources block")
                    .build();
        }
    }
}
