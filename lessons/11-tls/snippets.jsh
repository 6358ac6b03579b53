// Lesson 11: TLS. Every socket here is on loopback, at a port the system picks, and every wait has a limit:
// nothing blocks for good. The certificates come from the kit (tcplab.kit.TestCertificates), which runs the JDK's
// keytool once and keeps them in a temporary directory until JShell ends.

import java.io.*;
import java.net.*;
import java.nio.charset.StandardCharsets;
import java.util.*;
import javax.net.ssl.*;
import tcplab.kit.TestCertificates;
import tcplab.kit.TestCertificates.Kind;

// tag::certs[]
var certs = TestCertificates.get();               // a CA and four server certificates, made by keytool
System.out.println("CA:         " + certs.ca().getSubjectX500Principal());
System.out.println("good:       " + certs.certificate(Kind.GOOD).getSubjectAlternativeNames()
        + ", issued by " + certs.certificate(Kind.GOOD).getIssuerX500Principal());
System.out.println("wrong host: " + certs.certificate(Kind.WRONG_HOST).getSubjectAlternativeNames());
System.out.println("expired:    valid until " + certs.certificate(Kind.EXPIRED).getNotAfter());
System.out.println("untrusted:  issued by " + certs.certificate(Kind.UNTRUSTED).getIssuerX500Principal());
// end::certs[]

// tag::server[]
// A TLS server that answers one frame per connection, for a few connections, on a thread of its own.
SSLServerSocket tlsServer(Kind kind) throws IOException {
    var factory = certs.serverContext(kind).getServerSocketFactory();
    var listener = (SSLServerSocket) factory.createServerSocket(0, 10, InetAddress.getByName("127.0.0.1"));
    listener.setSoTimeout(5000);                  // gives up on accept() after 5 s
    var t = new Thread(() -> {
        try (listener) {
            while (true) {
                try (Socket c = listener.accept()) {
                    c.setSoTimeout(3000);
                    byte[] f = c.getInputStream().readNBytes(128);   // the handshake runs here, first
                    String text = new String(f, StandardCharsets.UTF_8).replace("\0", "");
                    c.getOutputStream().write(Arrays.copyOf((text + " *_*").getBytes(StandardCharsets.UTF_8), 128));
                } catch (SSLException | SocketTimeoutException e) {
                    if (e instanceof SocketTimeoutException && e.getMessage().startsWith("Accept")) return;
                    // a client whose handshake failed: next one
                }
            }
        } catch (IOException e) {
            // closed: done
        }
    });
    t.setDaemon(true);
    t.start();
    return listener;
}
// end::server[]

// tag::client[]
// One frame out, one back, over TLS; `checkName` turns hostname verification on.
String askTls(String host, int port, String text, boolean checkName) {
    SSLSocketFactory factory = certs.clientContext().getSocketFactory();   // trusts the test CA only
    try (var s = (SSLSocket) factory.createSocket()) {
        if (checkName) {
            SSLParameters p = s.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");   // off by default on a raw SSLSocket
            s.setSSLParameters(p);
        }
        s.connect(new InetSocketAddress(host, port), 3000);
        s.setSoTimeout(3000);
        s.getOutputStream().write(Arrays.copyOf(text.getBytes(StandardCharsets.UTF_8), 128));
        byte[] r = s.getInputStream().readNBytes(128);
        SSLSession session = s.getSession();
        return new String(r, StandardCharsets.UTF_8).replace("\0", "") + "  [" + session.getProtocol() + ", "
                + session.getCipherSuite() + "]";
    } catch (IOException e) {
        return "(" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")";
    }
}

var good = tlsServer(Kind.GOOD);
System.out.println(askTls("localhost", good.getLocalPort(), "hello", true));
System.out.println(askTls("127.0.0.1", good.getLocalPort(), "hello again", true));
// end::client[]

// tag::hello[]
// What a client sends first: a plain TCP server reads the first bytes of the handshake and shows them in hex.
try (var plain = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
    plain.setSoTimeout(3000);
    var t = new Thread(() -> System.out.println("client: "
            + askTls("localhost", plain.getLocalPort(), "hello", true)));
    t.start();
    try (Socket c = plain.accept()) {
        c.setSoTimeout(3000);
        byte[] first = c.getInputStream().readNBytes(11);   // the record's header and the message's start
        var hex = new StringBuilder();
        for (byte b : first) hex.append(String.format("%02x ", b));
        System.out.println("first bytes: " + hex.toString().strip());
    }                                              // closed without an answer: the client's handshake fails
    t.join(5000);
}
// end::hello[]

// tag::names[]
// A certificate a trusted CA signed, but for another name: accepted unless the client checks the name.
var wrongHost = tlsServer(Kind.WRONG_HOST);
System.out.println("name not checked: " + askTls("localhost", wrongHost.getLocalPort(), "hello", false));
System.out.println("name checked:     " + askTls("localhost", wrongHost.getLocalPort(), "hello", true));
// end::names[]

// tag::trust[]
// Expired, and signed by nobody the client trusts: refused either way.
var expired = tlsServer(Kind.EXPIRED);
var untrusted = tlsServer(Kind.UNTRUSTED);
System.out.println("expired:   " + askTls("localhost", expired.getLocalPort(), "hello", true));
System.out.println("untrusted: " + askTls("localhost", untrusted.getLocalPort(), "hello", true));
// end::trust[]

// tag::cleanup[]
for (var l : List.of(good, wrongHost, expired, untrusted)) l.close();
// end::cleanup[]
