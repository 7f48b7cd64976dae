// Mutual TLS servers that follow their stores, and a client loop that counts every handshake, for the CA
// rotation scenario (extensions/molecule/rotate). Compiled once with javac, then:
//
//   java RotationProbe serve NAME KEYSTORE TRUSTSTORE PASSWORD PORTFILE MAXSECONDS
//       A server on 127.0.0.1 (free port, written to PORTFILE) that requires a client certificate and answers
//       'y' to 'x'. It looks at its stores every 100 ms and, when one changed, builds a new SSLContext that the
//       next connection uses: a reload without dropping the listener, as a service that watches its stores
//       (or a rolling restart behind a load balancer) would do. Prints RELOADED/RELOAD-FAILED lines.
//   java RotationProbe probe PASSWORD COUNTSFILE STOPFILE MAXSECONDS NAME=KEYSTORE=TRUSTSTORE=PORTFILE ...
//       Until STOPFILE exists: every host, as a client with its own (re-read when changed) stores, shakes
//       hands with every other host's server, round after round, with no retry. Writes the totals as JSON to
//       COUNTSFILE after every round: handshakes, failures, the first failure messages, and how many
//       handshakes saw a server leaf of each issuer (so a run that never saw the swap is visible).
//   java RotationProbe check PASSWORD accept|reject KEYSTORE TRUSTSTORE NAME=PORTFILE ...
//       One handshake per server with the given client stores; prints ACCEPTED/REJECTED per server and exits
//       1 when one outcome is not the expected one.
// Servers and the probe end by themselves after MAXSECONDS, so a scenario that fails before its clean-up leaves
// no process behind for long.
import java.io.*;
import java.net.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.*;
import javax.net.ssl.*;

public class RotationProbe {
    static final String HOST = "localhost";

    /** An SSLContext built from a keystore and a truststore, rebuilt when either file changes. */
    static final class Stores {
        final String keystore, truststore;
        final char[] password;
        String stamp = "";
        SSLContext context;

        Stores(String keystore, String truststore, char[] password) {
            this.keystore = keystore;
            this.truststore = truststore;
            this.password = password;
        }

        static String stampOf(String path) {
            File f = new File(path);
            return f.lastModified() + ":" + f.length();
        }

        /** Returns true when the stores changed and were loaded again. */
        boolean refresh() throws Exception {
            String now = stampOf(keystore) + "/" + stampOf(truststore);
            if (now.equals(stamp) && context != null) return false;
            KeyStore ks = KeyStore.getInstance(new File(keystore), password);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, password);
            KeyStore ts = KeyStore.getInstance(new File(truststore), password);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ts);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            context = ctx;
            stamp = now;
            return true;
        }
    }

    static int readPort(String portfile) throws IOException {
        return Integer.parseInt(new String(Files.readAllBytes(Paths.get(portfile)), StandardCharsets.US_ASCII).trim());
    }

    static void writeAtomically(String path, String text) throws IOException {
        Path target = Paths.get(path);
        Path tmp = Paths.get(path + ".tmp");
        Files.write(tmp, text.getBytes(StandardCharsets.UTF_8));
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** null when the server answered, else why not; issuer receives the CN of the server leaf's issuer. */
    static String handshake(SSLContext client, int port, String[] issuer) {
        try (Socket raw = new Socket()) {
            raw.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 5000);
            raw.setSoTimeout(10000);
            try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket(raw, HOST, port, false)) {
                SSLParameters params = socket.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS");
                socket.setSSLParameters(params);
                socket.startHandshake();
                X509Certificate leaf = (X509Certificate) socket.getSession().getPeerCertificates()[0];
                issuer[0] = leaf.getIssuerX500Principal().getName();
                // TLS 1.3 reports a rejected client certificate on the first read, not in the handshake.
                socket.getOutputStream().write('x');
                socket.getOutputStream().flush();
                int answer = socket.getInputStream().read();
                return answer == 'y' ? null : "no answer";
            }
        } catch (Exception e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    static void serve(String[] args) throws Exception {
        String name = args[1];
        Stores stores = new Stores(args[2], args[3], args[4].toCharArray());
        stores.refresh();
        ServerSocket listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        writeAtomically(args[5], Integer.toString(listener.getLocalPort()));
        System.out.println("LISTENING " + name + " " + listener.getLocalPort());
        long deadline = System.currentTimeMillis() + 1000L * Long.parseLong(args[6]);
        Thread watcher = new Thread(() -> {
            while (true) {
                try {
                    Thread.sleep(100);
                    if (System.currentTimeMillis() > deadline) System.exit(0);
                    if (stores.refresh()) System.out.println("RELOADED " + name);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    // the previous context stays in use: a store that cannot be read must not stop the service
                    System.out.println("RELOAD-FAILED " + name + " " + e);
                }
            }
        });
        watcher.setDaemon(true);
        watcher.start();
        while (true) {
            Socket raw = listener.accept();
            SSLContext ctx = stores.context;
            Thread conn = new Thread(() -> {
                try (SSLSocket socket = (SSLSocket) ctx.getSocketFactory().createSocket(raw, null, true)) {
                    socket.setSoTimeout(10000);
                    socket.setNeedClientAuth(true);
                    if (socket.getInputStream().read() == 'x') {
                        socket.getOutputStream().write('y');
                        socket.getOutputStream().flush();
                    }
                } catch (IOException e) {
                    // a rejected client: the client counts it
                }
            });
            conn.setDaemon(true);
            conn.start();
        }
    }

    static String json(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", " ") + "\"";
    }

    static void probe(String[] args) throws Exception {
        char[] password = args[1].toCharArray();
        String countsFile = args[2];
        File stop = new File(args[3]);
        long deadline = System.currentTimeMillis() + 1000L * Long.parseLong(args[4]);
        List<String> names = new ArrayList<>();
        List<Stores> clients = new ArrayList<>();
        List<String> portfiles = new ArrayList<>();
        for (int i = 5; i < args.length; i++) {
            String[] host = args[i].split("=");
            names.add(host[0]);
            clients.add(new Stores(host[1], host[2], password));
            portfiles.add(host[3]);
        }
        long handshakes = 0, failures = 0, rounds = 0;
        Map<String, Long> issuers = new TreeMap<>();
        List<String> failed = new ArrayList<>();
        long started = System.currentTimeMillis();
        while (true) {
            boolean last = stop.exists() || System.currentTimeMillis() > deadline;
            for (int c = 0; c < names.size(); c++) {
                try {
                    clients.get(c).refresh();
                } catch (Exception e) {
                    // the client's previous context stays in use, as in the server
                    if (failed.size() < 20) failed.add("client " + names.get(c) + " reload: " + e);
                }
                for (int s = 0; s < names.size(); s++) {
                    if (s == c) continue;
                    String[] issuer = {"none"};
                    String error = handshake(clients.get(c).context, readPort(portfiles.get(s)), issuer);
                    handshakes++;
                    issuers.merge(issuer[0], 1L, Long::sum);
                    if (error != null) {
                        failures++;
                        if (failed.size() < 20) failed.add(names.get(c) + " -> " + names.get(s) + ": " + error);
                    }
                }
            }
            rounds++;
            StringBuilder out = new StringBuilder("{\"handshakes\": " + handshakes + ", \"failures\": " + failures
                + ", \"rounds\": " + rounds + ", \"seconds\": " + (System.currentTimeMillis() - started) / 1000
                + ", \"stopped\": " + last + ", \"server_leaf_issuers\": {");
            String sep = "";
            for (Map.Entry<String, Long> e : issuers.entrySet()) {
                out.append(sep).append(json(e.getKey())).append(": ").append(e.getValue());
                sep = ", ";
            }
            out.append("}, \"failed\": [");
            sep = "";
            for (String f : failed) {
                out.append(sep).append(json(f));
                sep = ", ";
            }
            out.append("]}\n");
            writeAtomically(countsFile, out.toString());
            if (last) return;
            // about 12 handshakes per round: a pace two shared cores can keep up with beside the playbooks
            Thread.sleep(150);
        }
    }

    static void check(String[] args) throws Exception {
        boolean expectAccept = args[2].equals("accept");
        Stores client = new Stores(args[3], args[4], args[1].toCharArray());
        client.refresh();
        int unexpected = 0;
        for (int i = 5; i < args.length; i++) {
            String[] server = args[i].split("=");
            String error = handshake(client.context, readPort(server[1]), new String[1]);
            // a server that is not there has not rejected anything
            boolean ok = (error == null) == expectAccept && (error == null || !error.startsWith("ConnectException"));
            System.out.println((ok ? "" : "UNEXPECTED-") + (error == null ? "ACCEPTED " : "REJECTED ") + server[0]
                               + (error == null ? "" : " (" + error + ")"));
            if (!ok) unexpected++;
        }
        System.exit(unexpected == 0 ? 0 : 1);
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "serve": serve(args); break;
            case "probe": probe(args); break;
            case "check": check(args); break;
            default: throw new IllegalArgumentException("mode: serve, probe or check");
        }
    }
}
