package tcplab.kit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Certificates for the TLS lesson, made on the spot by the JDK's own {@code keytool} (run as a process, as a person
 * would run it): a test CA, and four server certificates, one per {@link Kind}. Nothing here is secret and nothing
 * is committed: {@link #get()} makes them once per JVM in a temporary directory (a check run pays for keytool once,
 * a second or two on a busy machine, and {@link #prepare()} starts that early, off the checks' critical path);
 * {@link #in(Path)} makes them in a directory of your choice and keeps them there, for {@code ./tcplab run 11} and
 * for trying things by hand.
 *
 * <p>Files in the directory: {@code ca.p12} (the CA's key), {@code trust.p12} (the CA's certificate only: a trust
 * store), {@code server.p12} (the {@link Kind#GOOD} server's key and chain, for {@code javax.net.ssl.keyStore}),
 * and {@code <kind>.p12} for each kind. Every store's password is {@link #PASSWORD}. For OpenSSL's tools, the same in
 * PEM: {@code ca.pem} (the CA's certificate), {@code server.pem} (the good server's chain) and {@code server.key}
 * (its private key, unencrypted).
 */
public final class TestCertificates {

    /** The password of every store made here. Not a secret: these certificates are for tests and nothing else. */
    public static final String PASSWORD = "tcplab-test";

    /** The server certificates: what each one says, and who signed it. */
    public enum Kind {
        /** For {@code localhost} and {@code 127.0.0.1} (subject alternative names), signed by the test CA. */
        GOOD("good", "CN=localhost", "san=dns:localhost,ip:127.0.0.1", null),
        /** For another name only ({@code elsewhere.tcplab.invalid}), signed by the test CA. */
        WRONG_HOST("wrong-host", "CN=elsewhere.tcplab.invalid", "san=dns:elsewhere.tcplab.invalid", null),
        /** For {@code localhost}, signed by the test CA, but valid for one day a month ago. */
        EXPIRED("expired", "CN=localhost", "san=dns:localhost,ip:127.0.0.1", "-30d"),
        /** For {@code localhost}, signed by itself: no trusted CA vouches for it. */
        UNTRUSTED("untrusted", "CN=localhost", "san=dns:localhost,ip:127.0.0.1", null);

        private final String file;
        private final String subject;
        private final String names;
        private final String startDate;

        Kind(String file, String subject, String names, String startDate) {
            this.file = file;
            this.subject = subject;
            this.names = names;
            this.startDate = startDate;
        }

        /** The name of its store in the directory, without {@code .p12}. */
        public String fileName() {
            return file;
        }
    }

    private static final char[] PW = PASSWORD.toCharArray();
    private static volatile CompletableFuture<TestCertificates> perJvm;

    private final Path dir;
    private final X509Certificate ca;
    private final Map<Kind, KeyStore> servers;
    /** How long keytool took to make them (zero when they were already there). */
    private final long tookMillis;

    private TestCertificates(Path dir, X509Certificate ca, Map<Kind, KeyStore> servers, long tookMillis) {
        this.dir = dir;
        this.ca = ca;
        this.servers = servers;
        this.tookMillis = tookMillis;
    }

    /** Starts making this JVM's certificates in the background, if nobody has yet; {@link #get()} waits for them. */
    public static void prepare() {
        if (perJvm == null) {
            synchronized (TestCertificates.class) {
                if (perJvm == null) {
                    perJvm = CompletableFuture.supplyAsync(() -> {
                        try {
                            Path dir = Files.createTempDirectory("tcplab-certs-");
                            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(dir)));
                            return in(dir);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }, runnable -> {
                        Thread t = new Thread(runnable, "test-certificates");
                        t.setDaemon(true);
                        t.start();
                    });
                }
            }
        }
    }

    /** This JVM's certificates, in a temporary directory removed when the JVM ends; made on the first call. */
    public static TestCertificates get() {
        prepare();
        return perJvm.join();
    }

    /**
     * The certificates in {@code dir}: read from there if a previous call made them, else made there now (the
     * directory is created if needed). Fails with an {@link IllegalStateException} that says why if keytool fails.
     */
    public static TestCertificates in(Path dir) throws IOException {
        Files.createDirectories(dir);
        long start = System.nanoTime();
        boolean made = false;
        if (!Files.exists(dir.resolve("trust.p12"))) {
            make(dir);
            made = true;
        }
        try {
            X509Certificate ca = (X509Certificate) load(dir.resolve("trust.p12")).getCertificate("ca");
            Map<Kind, KeyStore> servers = new EnumMap<>(Kind.class);
            for (Kind kind : Kind.values()) {
                servers.put(kind, load(dir.resolve(kind.file + ".p12")));
            }
            long took = made ? (System.nanoTime() - start) / 1_000_000 : 0;
            return new TestCertificates(dir, ca, servers, took);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the test certificates in " + dir + ": " + e, e);
        }
    }

    /** The directory holding the stores. */
    public Path dir() {
        return dir;
    }

    /** How long making them took, in milliseconds (0 if they were there already). */
    public long tookMillis() {
        return tookMillis;
    }

    /** The store with the {@link Kind#GOOD} server's key and chain ({@code server.p12}). */
    public Path serverStore() {
        return dir.resolve("server.p12");
    }

    /** The trust store holding the test CA's certificate only ({@code trust.p12}). */
    public Path trustStore() {
        return dir.resolve("trust.p12");
    }

    /** The test CA's certificate. */
    public X509Certificate ca() {
        return ca;
    }

    /** The certificate a server of this kind presents (the first of its chain). */
    public X509Certificate certificate(Kind kind) {
        try {
            return (X509Certificate) servers.get(kind).getCertificate("server");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A context for a server that presents the certificate of this kind (and trusts the test CA). */
    public SSLContext serverContext(Kind kind) {
        try {
            var keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(servers.get(kind), PW);
            var context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), trustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A context for a client that trusts the test CA and nothing else (not even the JDK's usual CAs). */
    public SSLContext clientContext() {
        try {
            var context = SSLContext.getInstance("TLS");
            context.init(null, trustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private javax.net.ssl.TrustManager[] trustManagers() throws GeneralSecurityException {
        try {
            var trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", ca);
            var factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            return factory.getTrustManagers();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Runs keytool six times, in three rounds of processes that run side by side: the CA's key pair and the
     * server's (self-signed: that certificate is {@link Kind#UNTRUSTED}); the server's certificate request; the CA
     * signs it three times ({@link Kind#GOOD}, {@link Kind#WRONG_HOST}, {@link Kind#EXPIRED}: one key, three
     * certificates). The chains (a signed certificate, then the CA's) are put together here, so no store is
     * written by two processes.
     */
    private static void make(Path dir) throws IOException {
        Path work = Files.createTempDirectory(dir, "keytool-");
        String caStore = work.resolve("ca.p12").toString();
        String serverStore = work.resolve("server.p12").toString();
        String request = work.resolve("server.csr").toString();
        try {
            keytoolAll(List.of(
                    List.of("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1",
                            "-dname", "CN=TCP Lab test CA", "-ext", "bc:c", "-validity", "3650",
                            "-keystore", caStore),
                    List.of("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                            "-dname", Kind.UNTRUSTED.subject, "-ext", Kind.UNTRUSTED.names, "-validity", "3650",
                            "-keystore", serverStore)));
            keytoolAll(List.of(List.of("-certreq", "-alias", "server", "-keystore", serverStore, "-file", request)));
            List<Kind> signed = List.of(Kind.GOOD, Kind.WRONG_HOST, Kind.EXPIRED);
            List<List<String>> signing = new ArrayList<>();
            for (Kind kind : signed) {
                var args = new ArrayList<>(List.of("-gencert", "-alias", "ca", "-keystore", caStore,
                        "-infile", request, "-outfile", work.resolve(kind.file + ".crt").toString(), "-rfc",
                        "-dname", kind.subject, "-ext", kind.names));
                if (kind.startDate != null) {
                    args.addAll(List.of("-startdate", kind.startDate, "-validity", "1"));
                } else {
                    args.addAll(List.of("-validity", "3650"));
                }
                signing.add(args);
            }
            keytoolAll(signing);

            Certificate ca = load(work.resolve("ca.p12")).getCertificate("ca");
            KeyStore own = load(work.resolve("server.p12"));
            PrivateKey key = (PrivateKey) own.getKey("server", PW);
            var factory = CertificateFactory.getInstance("X.509");
            for (Kind kind : Kind.values()) {
                Certificate[] chain;
                if (signed.contains(kind)) {
                    Certificate leaf;
                    try (InputStream in = Files.newInputStream(work.resolve(kind.file + ".crt"))) {
                        leaf = factory.generateCertificate(in);
                    }
                    chain = new Certificate[] {leaf, ca};
                } else {
                    chain = own.getCertificateChain("server");
                }
                var store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                store.setKeyEntry("server", key, PW, chain);
                save(store, dir.resolve(kind.file + ".p12"));
                if (kind == Kind.GOOD) {
                    save(store, dir.resolve("server.p12"));
                    writePem(dir.resolve("server.pem"), "CERTIFICATE", chain[0].getEncoded(), chain[1].getEncoded());
                    writePem(dir.resolve("server.key"), "PRIVATE KEY", key.getEncoded());
                }
            }
            Files.copy(work.resolve("ca.p12"), dir.resolve("ca.p12"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            writePem(dir.resolve("ca.pem"), "CERTIFICATE", ca.getEncoded());
            var trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", ca);
            save(trust, dir.resolve("trust.p12"));   // last: its presence says the directory is complete
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot put the test certificates together: " + e, e);
        } finally {
            deleteQuietly(work);
        }
    }

    /** Runs keytool once per argument list, all at the same time, and waits for every one. */
    private static void keytoolAll(List<List<String>> runs) throws IOException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<Process> processes = new ArrayList<>();
        List<Path> outputs = new ArrayList<>();
        for (List<String> args : runs) {
            var command = new ArrayList<String>();
            command.add(keytool.toString());
            // A short-lived tool: skip the optimising compiler, use the simplest collector.
            command.addAll(List.of("-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC", "-J-Xshare:auto"));
            command.addAll(args);
            command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD,
                    "-noprompt"));
            Path output = Files.createTempFile("keytool-", ".log");
            outputs.add(output);
            processes.add(new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.from(nullFile()))
                    .start());
        }
        try {
            for (int i = 0; i < processes.size(); i++) {
                int code = processes.get(i).waitFor();
                if (code != 0) {
                    throw new IllegalStateException("keytool " + String.join(" ", runs.get(i)) + " failed (exit "
                            + code + "): " + Files.readString(outputs.get(i), StandardCharsets.UTF_8).strip());
                }
            }
        } catch (InterruptedException e) {
            processes.forEach(Process::destroyForcibly);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while keytool ran", e);
        } finally {
            for (Path output : outputs) {
                Files.deleteIfExists(output);
            }
        }
    }

    private static java.io.File nullFile() {
        return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    private static KeyStore load(Path file) throws IOException, GeneralSecurityException {
        var store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, PW);
        }
        return store;
    }

    private static void save(KeyStore store, Path file) throws IOException, GeneralSecurityException {
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, PW);
        }
    }

    /** Writes DER blocks as PEM, the text form OpenSSL reads: base64 in lines of 64 between BEGIN and END lines. */
    private static void writePem(Path file, String type, byte[]... blocks) throws IOException {
        var text = new StringBuilder();
        for (byte[] der : blocks) {
            text.append("-----BEGIN ").append(type).append("-----\n")
                    .append(java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der))
                    .append("\n-----END ").append(type).append("-----\n");
        }
        Files.writeString(file, text, StandardCharsets.US_ASCII);
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory: the system cleans it up in the end
        }
    }

    /**
     * {@code TestCertificates [dir]}: makes the certificates in {@code dir} (default {@code .tcplab/certs}) unless
     * they are there, and prints the options that make a JVM use them by default.
     */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : ".tcplab/certs").toAbsolutePath();
        TestCertificates certs = in(dir);
        System.out.println("test certificates in " + dir
                + (certs.tookMillis > 0 ? " (keytool took " + certs.tookMillis + " ms)" : " (already there)"));
        System.out.println("server: -Djavax.net.ssl.keyStore=" + certs.serverStore()
                + " -Djavax.net.ssl.keyStorePassword=" + PASSWORD);
        System.out.println("client: -Djavax.net.ssl.trustStore=" + certs.trustStore()
                + " -Djavax.net.ssl.trustStorePassword=" + PASSWORD);
    }
}
